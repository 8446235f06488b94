package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.registry.ImageRepository;
import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileTemplateTest {
  private final DockerfileTemplate template = new DockerfileTemplate(EventJson.newMapper());
  @TempDir Path dir;

  private static BuildJob job(BuildSource source, List<String> tools, List<String> setup) {
    return BuildJob.of(
        "bs-01jd0000000000000000000000",
        "alice",
        BuildKind.USER,
        "kernel",
        "main",
        Arch.AMD64,
        "1234",
        new BuildSpec("a4c-base:bookworm", tools, setup, source),
        Instant.parse("2026-11-24T16:00:00Z"));
  }

  @Test
  void perforceProjectsSyncTheirDepotPathAtTheChangeAndShareItWithTheWorkspaceGroupInOneLayer() {
    String dockerfile =
        template.render(
            job(BuildSource.perforce("//depot/kernel/..."), List.of("curl", "vim"), List.of()),
            "1234",
            null);

    assertThat(dockerfile)
        .startsWith("# Rendered by the A4C builder")
        .contains("\nFROM a4c-base:bookworm\n")
        .contains("\nARG P4PORT\nARG P4USER\nARG P4CLIENT\nWORKDIR /src\n")
        // The depot path is an argument of a fixed script, never part of its text.
        .contains(
            "\nRUN [\"/bin/sh\",\"-c\",\"\\\"$@\\\" && chgrp -R 2000 /src && chmod -R g+w /src\","
                + "\"sync-sources\",\"/bin/sh\",\"-c\",")
        .contains("\"p4-sync\",\"//depot/kernel/main/...\",\"1234\"]\n")
        .doesNotContain("COPY");
    assertThat(dockerfile.lines().filter(line -> line.startsWith("RUN ")).count()).isEqualTo(2);
  }

  @Test
  void toolsAreInstalledByOneRunThatCallsAptOnlyForThoseTheBaseLacks() {
    String dockerfile =
        template.render(
            job(BuildSource.perforce("//depot/kernel/..."), List.of("curl", "vim"), List.of()),
            "1234",
            null);

    var install =
        dockerfile.lines().filter(line -> line.contains("install-tools")).findFirst().orElseThrow();
    assertThat(install)
        .startsWith("RUN [\"/bin/sh\",\"-c\",\"missing=''; for tool in \\\"$@\\\"; do")
        .contains("dpkg-query -W -f='${db:Status-Status}'")
        .contains("apt-get update")
        // The tools are the script's arguments, after its $0.
        .endsWith("\",\"install-tools\",\"curl\",\"vim\"]");
    assertThat(DockerfileTemplate.installTools(List.of("git")))
        .hasSize(5)
        .startsWith("/bin/sh", "-c")
        .endsWith("install-tools", "git");
  }

  @Test
  void theInstallScriptSkipsInstalledToolsAndCallsAptForTheMissingOnesOnly() throws Exception {
    // The real script under a real sh, with dpkg-query and apt-get played by stubs on PATH.
    Path bin = dir;
    Path calls = bin.resolve("calls");
    stub(
        bin.resolve("dpkg-query"),
        "for a; do last=$a; done; case \"$last\" in git|vim) printf installed ;; *) exit 1 ;; esac");
    stub(bin.resolve("apt-get"), "echo \"apt-get $*\" >> " + calls);

    var allThere = runScript(bin, List.of("git", "vim"));
    assertThat(allThere).contains("a4c: tools already installed: git vim");
    assertThat(calls).doesNotExist();

    var oneMissing = runScript(bin, List.of("git", "curl", "vim"));
    assertThat(oneMissing).contains("a4c: installing: curl");
    assertThat(Files.readAllLines(calls))
        .containsExactly("apt-get update", "apt-get install -y --no-install-recommends curl");
  }

  private static String runScript(Path bin, List<String> tools) throws Exception {
    var ran = run(bin, DockerfileTemplate.installTools(tools));
    assertThat(ran.exitCode()).as(ran.output()).isZero();
    return ran.output();
  }

  private static void stub(Path path, String body) throws Exception {
    Files.writeString(path, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void thePerforceSyncCommandLineIsTheParentsStreamAtTheChangeOrAtHead() {
    var source = BuildSource.perforce("//depot/kernel/...");
    String script = DockerfileTemplate.PERFORCE_SYNC;
    assertThat(DockerfileTemplate.perforceSync(source, "main", "1234"))
        .containsExactly("/bin/sh", "-c", script, "p4-sync", "//depot/kernel/main/...", "1234");
    assertThat(DockerfileTemplate.perforceSync(source, "main", DockerfileTemplate.HEAD))
        .containsExactly("/bin/sh", "-c", script, "p4-sync", "//depot/kernel/main/...", "head");
    assertThat(DockerfileTemplate.perforceSync(BuildSource.perforce("//kernel"), "rel-2", "77"))
        .containsExactly("/bin/sh", "-c", script, "p4-sync", "//kernel/rel-2/...", "77");
    assertThat(script)
        .contains("p4 -ztag -F %change% changes -m1 -s submitted \"$path@$change,@$change\"")
        .contains("exec p4 sync \"$path@$change\"")
        .contains("exec p4 sync \"$path#head\"");
  }

  @Test
  void aLabelOrAnotherRevisionIsNoPerforceChange() {
    var source = BuildSource.perforce("//depot/kernel/...");
    for (String change : List.of("REL_1_0", "0", "01234", "12345678901", "1234.5")) {
      assertThatThrownBy(() -> DockerfileTemplate.perforceSync(source, "main", change))
          .as(change)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("change");
    }
  }

  @Test
  void thePerforceSyncRunsOnlyForASubmittedChangeOfTheParentsStream() throws Exception {
    // The real script under a real sh. Perforce cannot be installed here, so p4 is a stand-in on
    // PATH that logs its arguments and answers `p4 changes` as a server whose stream
    // //depot/kernel/main has the submitted changes 1234 and 1240 (1237 being another stream's).
    Path bin = dir;
    Path calls = bin.resolve("p4-calls");
    stub(
        bin.resolve("p4"),
        "echo \"$*\" >> "
            + calls
            + "\ncase \"$*\" in\n"
            + "  *'changes -m1 -s submitted //depot/kernel/main/...@1234,@1234') echo 1234 ;;\n"
            + "  *'changes -m1 -s submitted //depot/kernel/main/...@1240,@1240') echo 1240 ;;\n"
            + "  *changes*) ;;\n"
            + "esac");
    var source = BuildSource.perforce("//depot/kernel/...");

    assertThat(run(bin, DockerfileTemplate.perforceSync(source, "main", "1234")).exitCode())
        .isZero();
    assertThat(Files.readAllLines(calls))
        .containsExactly(
            "-ztag -F %change% changes -m1 -s submitted //depot/kernel/main/...@1234,@1234",
            "sync //depot/kernel/main/...@1234");

    Files.delete(calls);
    var otherStream = run(bin, DockerfileTemplate.perforceSync(source, "main", "1237"));
    assertThat(otherStream.exitCode()).isNotZero();
    assertThat(otherStream.output())
        .contains("a4c: change 1237 is not a submitted change of //depot/kernel/main/...");
    assertThat(Files.readAllLines(calls)).noneMatch(line -> line.startsWith("sync"));

    Files.delete(calls);
    assertThat(
            run(bin, DockerfileTemplate.perforceSync(source, "main", DockerfileTemplate.HEAD))
                .exitCode())
        .isZero();
    assertThat(Files.readAllLines(calls)).containsExactly("sync //depot/kernel/main/...#head");
  }

  private record Ran(int exitCode, String output) {}

  /** Runs {@code argv} under a real {@code sh} with {@code bin}'s stubs first on the PATH. */
  private static Ran run(Path bin, List<String> argv) throws Exception {
    var process = new ProcessBuilder(argv).redirectErrorStream(true);
    process.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process started = process.start();
    String output = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Ran(started.waitFor(), output);
  }

  @Test
  void aPerforceBuildSyncsOnlyItsParentsStreamWhateverChangeItNames() {
    var release =
        BuildJob.of(
            "bs-01jd0000000000000000000000",
            "alice",
            BuildKind.USER,
            "kernel",
            "release",
            Arch.AMD64,
            "1234",
            new BuildSpec(
                "a4c-base:bookworm",
                List.of(),
                List.of(),
                BuildSource.perforce("//depot/kernel/...")),
            Instant.parse("2026-11-24T16:00:00Z"));

    assertThat(template.render(release, "1234", null))
        .contains("\"p4-sync\",\"//depot/kernel/release/...\",\"1234\"]")
        .doesNotContain("//depot/kernel/...@")
        .doesNotContain("/main/");
  }

  @Test
  void gitProjectsCopyTheCheckedOutSourcesToTheWorkspaceGroupAndSetupStepsRunInExecForm() {
    String dockerfile =
        template.render(
            job(
                BuildSource.git("file:///srv/git/kernel.git"),
                List.of(),
                List.of("echo \"welcome\" > /etc/motd", "make -C /src all")),
            "1234",
            "0123456789abcdef0123456789abcdef01234567");

    assertThat(dockerfile)
        .contains(
            "# Sources: file:///srv/git/kernel.git checked out at 0123456789abcdef0123456789abcdef01234567 by the builder, group-writable for the workspace group.\nCOPY --chown=0:2000 sources/ /\n")
        .contains("\nRUN [\"/bin/sh\",\"-c\",\"echo \\\"welcome\\\" > /etc/motd\"]\n")
        .contains("\nRUN [\"/bin/sh\",\"-c\",\"make -C /src all\"]\n")
        .doesNotContain("apt-get")
        .doesNotContain("p4 ");
    assertThat(dockerfile.indexOf("COPY --chown")).isLessThan(dockerfile.indexOf("make -C"));
  }

  @Test
  void refusesShellCharactersInTheChangeEvenWhenTheJobWasMadeElsewhere() {
    var job = job(BuildSource.perforce("//depot/kernel/..."), List.of(), List.of());
    assertThatThrownBy(() -> template.render(job, "1234; curl evil | sh", null))
        .hasMessageContaining("change");
    assertThatThrownBy(() -> template.render(job, "$(id)", null)).hasMessageContaining("change");
  }

  @Test
  void aSpecWithShellCharactersCannotEvenBeMade() {
    var source = BuildSource.perforce("//depot/kernel/...");
    assertThatThrownBy(
            () ->
                new BuildSpec("a4c-base:bookworm", List.of("vim && curl evil"), List.of(), source))
        .hasMessageContaining("tools");
    assertThatThrownBy(
            () -> new BuildSpec("a4c-base:bookworm", List.of(), List.of("echo a \\"), source))
        .hasMessageContaining("setup");
    assertThatThrownBy(
            () ->
                new BuildSpec("a4c-base:bookworm", List.of(), List.of("echo a\nFROM evil"), source))
        .hasMessageContaining("setup");
    assertThatThrownBy(() -> BuildSource.perforce("//depot/`id`/..."))
        .hasMessageContaining("depotPath");
    assertThatThrownBy(() -> BuildSource.git("https://x/y.git;rm -rf /"))
        .hasMessageContaining("url");
  }

  @Test
  void imagesGoToTheOneRepositoryTaggedByProjectParentArchAndChange() {
    var job = job(BuildSource.perforce("//depot/kernel/..."), List.of(), List.of());
    assertThat(
            BuildRunner.imageRef(ImageRepository.parse("10.250.0.1:5000/a4c-images"), job, "1234"))
        .isEqualTo("10.250.0.1:5000/a4c-images:kernel_main_amd64_1234");
  }
}
