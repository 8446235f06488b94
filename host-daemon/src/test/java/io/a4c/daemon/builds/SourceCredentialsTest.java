package io.a4c.daemon.builds;

import static io.a4c.daemon.builds.GitCheckoutTest.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonConfigTest;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.events.Arch;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A git URL carrying {@code user:token@} never shows its token: not in the build log (the clone
 * command, git's output, the rendered Dockerfile), the failure reason, nor the daemon's log line.
 */
class SourceCredentialsTest {
  private static final String TOKEN = "tok3n5ecret";

  @TempDir Path dir;

  private static BuildJob job(String url) {
    return BuildJob.of(
        "bs-01jd0000000000000000000000",
        "alice",
        BuildKind.USER,
        "kernel",
        "main",
        Arch.AMD64,
        null,
        new BuildSpec("a4c-base:bookworm", List.of(), List.of(), BuildSource.git(url)),
        Instant.parse("2026-11-24T16:00:00Z"));
  }

  @Test
  void aCloneWithATokenLogsTheUrlMasked() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    Files.writeString(repo.resolve("f"), "x");
    git(repo, "add", "f");
    git(repo, "commit", "--quiet", "-m", "one");
    var log = new BuildLog(64 * 1024, "file://alice:" + TOKEN + "@" + repo);

    GitCheckoutTest.gitCheckout()
        .checkout("file://alice:" + TOKEN + "@" + repo, "main", null, dir.resolve("out"), log);

    assertThat(log.text())
        .contains("$ git clone --quiet --no-checkout -- file://***@" + repo)
        .doesNotContain(TOKEN);
  }

  @Test
  void aFailedCloneQuotesNoTokenEvenWhereGitPrintsItWithoutItsScheme() throws Exception {
    // git 2.39 answers "unable to look up alice:<token>@127.0.0.1:1 (port 9418)".
    String url = "git://alice:" + TOKEN + "@127.0.0.1:1/kernel.git";
    var log = new BuildLog(64 * 1024);

    assertThatThrownBy(
            () ->
                GitCheckoutTest.gitCheckout().checkout(url, "main", null, dir.resolve("out"), log))
        .isInstanceOf(GitCheckout.CheckoutFailed.class)
        .message()
        .startsWith("git clone failed: ")
        .doesNotContain(TOKEN);
    assertThat(log.text()).contains("git://***@127.0.0.1:1/kernel.git").doesNotContain(TOKEN);
  }

  @Test
  void theRenderedDockerfileNamesTheSourceWithoutItsToken() {
    String dockerfile =
        new DockerfileTemplate(EventJson.newMapper())
            .render(job("https://alice:" + TOKEN + "@git.example.com/kernel.git"), "abc", "abc");

    assertThat(dockerfile)
        .contains("# Sources: https://***@git.example.com/kernel.git checked out at abc")
        .doesNotContain(TOKEN);
  }

  @Test
  void aFailedBuildsReportAndTheDaemonsLogLineHoldNoToken() throws Exception {
    var env = DaemonConfigTest.minimal();
    env.putAll(
        Map.of(
            DaemonEnv.DATA_DIR,
            dir.toString(),
            DaemonEnv.IMAGE_REPOSITORY,
            "10.250.0.1:5000/a4c-images"));
    var runner =
        new BuildRunner(
            new GitCheckout(DaemonConfig.fromEnvironment(env)),
            new DockerfileTemplate(EventJson.newMapper()),
            // never reached: the checkout fails first
            new DockerImageBuilder(null, null, DaemonConfig.fromEnvironment(env)),
            Clock.fixed(Instant.parse("2026-11-24T16:00:00Z"), ZoneOffset.UTC),
            DaemonConfig.fromEnvironment(env));
    var stdout = new ByteArrayOutputStream();
    PrintStream before = System.out;
    BuildEnded report;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      report =
          runner.run(
              job("git://alice:" + TOKEN + "@127.0.0.1:1/kernel.git"),
              "h1/0",
              1,
              stream -> {},
              log -> {});
    } finally {
      System.setOut(before);
    }

    assertThat(report.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(report.reason()).startsWith("source sync failed: ").doesNotContain(TOKEN);
    assertThat(report.log()).contains("git://***@127.0.0.1:1").doesNotContain(TOKEN);
    String daemonLog = stdout.toString(StandardCharsets.UTF_8);
    assertThat(daemonLog).contains("build failed: source sync failed").doesNotContain(TOKEN);
  }
}
