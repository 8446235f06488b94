package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.a4c.daemon.builds.BuildRunner;
import io.a4c.daemon.builds.DockerImageBuilder;
import io.a4c.daemon.builds.DockerfileTemplate;
import io.a4c.daemon.builds.GitCheckout;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.events.Arch;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import io.a4c.local.testing.GitRepo;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine build whose wait timed out is stopped on the engine, not left running unwatched: a
 * setup step that sleeps ten minutes, a 30 s build timeout ({@code A4C_BUILD_TIMEOUT_SECONDS}), a
 * real engine (the last of {@code A4C_TEST_DOCKER_HOSTS}). The build ends FAILED with the reason,
 * the step did start, and its container is gone from the engine afterwards.
 */
class BuildTimeoutTest {
  private static final Pattern RUNNING_IN = Pattern.compile("---> Running in ([0-9a-f]{12})");

  @TempDir Path dir;

  @Test
  void aBuildPastItsTimeoutIsStoppedOnTheEngineAndEndsFailedWithTheReason() throws Exception {
    DockerClient docker = DockerClients.connect(lastEngine());
    String marker = "a4c-timeout-probe-" + UUID.randomUUID();
    var repo = GitRepo.create();
    repo.commit("README", "slow\n");
    var env = new HashMap<String, String>();
    env.put(DaemonEnv.HOST_ID, "h9");
    env.put(DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:1/queue/a4c-host-events");
    env.put(DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-");
    env.put(DaemonEnv.DATA_DIR, dir.toString());
    env.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    env.put(DaemonEnv.BUILDER, "true");
    env.put(DaemonEnv.buildQueueUrl(Arch.AMD64), "http://127.0.0.1:1/queue/a4c-builds-amd64");
    env.put(DaemonEnv.BUILD_CLAIM_FUNCTION, "a4c-build-claim");
    env.put(DaemonEnv.BUILD_TIMEOUT_SECONDS, "30");
    var config = DaemonConfig.fromEnvironment(env);
    var runner =
        new BuildRunner(
            new GitCheckout(config),
            new DockerfileTemplate(EventJson.newMapper()),
            new DockerImageBuilder(docker, image -> Optional.empty(), config),
            Clock.systemUTC(),
            config);
    var job =
        BuildJob.of(
            "bs-01jd0000000000000000000009",
            "alice",
            BuildKind.USER,
            "slowpoke",
            "main",
            Arch.AMD64,
            null,
            new BuildSpec(
                "a4c-base:bookworm",
                List.of(),
                List.of("sleep 600 && echo " + marker),
                BuildSource.git(repo.url())),
            Instant.now());
    List<Closeable> streams = new ArrayList<>();

    BuildEnded report = runner.run(job, "h9/0", 1, streams::add, log -> {});

    assertThat(report.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(report.reason()).isEqualTo("the build did not finish within 30 s; stopped");
    // The sleeping step had started: its container is the last the engine ran for this build.
    String log = report.log();
    assertThat(log).contains(marker);
    var started = RUNNING_IN.matcher(log.substring(log.lastIndexOf(marker)));
    assertThat(started.find()).as("the sleeping step started: " + log).isTrue();
    String container = started.group(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(running(docker, container)).as("step container " + container).isFalse());
    // A removal the engine has begun ("Removal In Progress") finishes on its own; wait for it.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        docker.listContainersCmd().withShowAll(true).exec().stream()
                            .filter(c -> c.getCommand() != null && c.getCommand().contains(marker))
                            .toList())
                    .as("no container of the timed-out build is left on the engine")
                    .isEmpty());
  }

  /** Whether the container exists and runs; gone counts as not running. */
  private static boolean running(DockerClient docker, String container) {
    try {
      return Boolean.TRUE.equals(
          docker.inspectContainerCmd(container).exec().getState().getRunning());
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static String lastEngine() {
    String hosts =
        System.getenv().getOrDefault("A4C_TEST_DOCKER_HOSTS", "h1=unix:///var/run/docker.sock");
    String last = Arrays.asList(hosts.split(",")).getLast();
    return last.substring(last.indexOf('=') + 1);
  }
}
