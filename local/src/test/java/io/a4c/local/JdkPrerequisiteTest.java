package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local/engines.sh install} and {@code ./a4c} on a machine without a JDK >= 21: they install
 * Debian's newest one where the release packages it (trixie: 21 and 25), and otherwise stop saying
 * what to install, never naming a package apt could not install (bookworm: only openjdk-17). Run
 * with a fake {@code apt-cache} on PATH that plays the release, an empty JVM directory, and {@code
 * A4C_DRY_RUN=1}, so apt-get is printed rather than run.
 */
class JdkPrerequisiteTest {
  private static final String BOOKWORM = "17";
  private static final String TRIXIE = "17 21 25";

  @TempDir Path dir;

  @Test
  void installPutsTheNewestDebianJdkOnAReleaseThatHasOne() throws Exception {
    var run = run(TRIXIE, "bash", "engines.sh", "install");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("+ apt-get update")
        .contains("+ apt-get install -y -q --no-install-recommends openjdk-25-jdk-headless");
  }

  @Test
  void installOnAReleaseWithoutOneSaysWhatToInstallAndNamesNoDebianJdk() throws Exception {
    var run = run(BOOKWORM, "bash", "engines.sh", "install");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.output())
        .contains("no JDK >= 21 found")
        .contains("has no JDK >= 21 package")
        .contains("Debian 12 bookworm ships only openjdk-17")
        .contains("Temurin 21 or 25 from Adoptium's apt repository")
        .contains("JAVA_HOME")
        .doesNotContain("+ apt-get install")
        .doesNotContainPattern("install[^\\n]*openjdk-(1[0-9]|2[0-9])-jdk");
  }

  @Test
  void installLeavesAPresentJdkAlone() throws Exception {
    Path jdk = dir.resolve("jvm").resolve("some-jdk-21");
    script(jdk.resolve("bin/java"), "echo 'openjdk version \"21.0.9\" 2025-10-21' >&2");
    script(jdk.resolve("bin/javac"), "true");

    var run = run(BOOKWORM, "bash", "engines.sh", "install");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).doesNotContain("openjdk-").doesNotContain("no JDK");
  }

  @Test
  void theA4cScriptInstallsTheSameJdkAndRunsWithIt() throws Exception {
    var trixie = run(TRIXIE, "bash", "../a4c", "run");

    assertThat(trixie.exit()).as(trixie.output()).isZero();
    assertThat(trixie.output())
        .contains("+ apt-get install -y -q --no-install-recommends openjdk-25-jdk-headless")
        .contains(dir.resolve("jvm").resolve("java-25-openjdk-") + "");

    var bookworm = run(BOOKWORM, "bash", "../a4c", "run");
    assertThat(bookworm.exit()).isEqualTo(1);
    assertThat(bookworm.output())
        .contains("has no JDK >= 21 package")
        .contains("Temurin")
        .doesNotContain("+ apt-get install");
  }

  @Test
  void theA4cScriptRunsABenchmarkInTheRuntimesCpuGroupAndRefusesAnUnknownOne() throws Exception {
    var bench = run(TRIXIE, "bash", "../a4c", "bench", "BuildBurstBenchmark", "30", "6");

    assertThat(bench.exit()).as(bench.output()).isZero();
    assertThat(bench.output())
        .contains("+ local/engines.sh up 3")
        .contains("+ local/engines.sh runtime-group ")
        .containsPattern(
            "bin/java .*-cp local/target/a4c-local.jar io.a4c.local.bench.BuildBurstBenchmark 30 6");
    assertThat(bench.output().indexOf("runtime-group"))
        .as("joins the group before Java starts")
        .isLessThan(bench.output().indexOf("io.a4c.local.bench.BuildBurstBenchmark"));

    var unknown = run(TRIXIE, "bash", "../a4c", "bench", "NoSuchBenchmark");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.output()).contains("no benchmark NoSuchBenchmark").doesNotContain("+ ");
    var notOne = run(TRIXIE, "bash", "../a4c", "bench", "../../etc/passwd");
    assertThat(notOne.exit()).isEqualTo(1);
    assertThat(notOne.output()).contains("bench: which benchmark?").doesNotContain("+ ");
  }

  private record Run(int exit, String output) {}

  /** Runs a command in local/ with a fake apt-cache that knows the given openjdk versions. */
  private Run run(String jdkVersions, String... command) throws IOException, InterruptedException {
    Path bin = dir.resolve("bin");
    script(
        bin.resolve("apt-cache"),
        """
        # FAKE_JDKS: the openjdk feature versions this "release" packages.
        case "$1" in
          pkgnames) for n in $FAKE_JDKS; do echo "openjdk-$n-jdk-headless"; echo "openjdk-$n-jre"; done ;;
          policy) shift; for p in "$@"; do for n in $FAKE_JDKS; do
              [ "$p" = "openjdk-$n-jdk-headless" ] &&
                printf '%s:\\n  Installed: (none)\\n  Candidate: %s.0.1+1-1\\n' "$p" "$n"
            done; done; true ;;
        esac
        """);
    Files.createDirectories(dir.resolve("jvm"));
    var builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true); // in local/
    Map<String, String> env = builder.environment();
    env.remove("JAVA_HOME");
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("A4C_JVM_DIR", dir.resolve("jvm").toString());
    env.put("A4C_DRY_RUN", "1");
    env.put("FAKE_JDKS", jdkVersions);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static void script(Path path, String body) throws IOException {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
