package io.a4c.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.images.EngineImages;
import io.a4c.daemon.testing.FakeDocker;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The collector asks the engine to remove exactly the references the selection chose, on an engine
 * whose disk it cannot see (so every run collects), and nothing on a host without a repository.
 */
class ImageCollectorTest {
  private static final String REPOSITORY = "10.250.0.1:5000/a4c-images";

  @Test
  void removesTheOldUnusedBuildsByReferenceAndLeavesTheRest() {
    var docker =
        new FakeDocker(
            "x86_64",
            List.of(
                FakeDocker.image("sha256:1", List.of(REPOSITORY + ":p_main_amd64_c1"), 1, 10),
                FakeDocker.image("sha256:2", List.of(REPOSITORY + ":p_main_amd64_c2"), 2, 10),
                FakeDocker.image("sha256:3", List.of(REPOSITORY + ":p_main_amd64_c3"), 3, 10),
                FakeDocker.image("sha256:4", List.of(REPOSITORY + ":p_main_amd64_c4"), 4, 10),
                FakeDocker.image("sha256:0", List.of("a4c-base:busybox"), 0, 10)),
            List.of(FakeDocker.container("sha256:1", REPOSITORY + ":p_main_amd64_c1", Map.of())));

    var removed = collector(docker, REPOSITORY, "2").collect();

    assertThat(removed).containsExactly(REPOSITORY + ":p_main_amd64_c2");
    assertThat(docker.removed()).isEqualTo(removed);
  }

  @Test
  void aHostWithoutARepositoryRemovesNothing() {
    var docker =
        new FakeDocker(
            "x86_64",
            List.of(FakeDocker.image("sha256:0", List.of(REPOSITORY + ":p_main_amd64_c1"), 0, 1)),
            List.of());

    assertThat(collector(docker, null, "1").collect()).isEmpty();
    assertThat(docker.removed()).isEmpty();
  }

  @Test
  void theBudgetDecidesWhenToCollectAndZeroOrAnUnknownDiskMeansAlways() {
    assertThat(ImageCollector.overBudget(79, 100, 80)).isFalse();
    assertThat(ImageCollector.overBudget(80, 100, 80)).isFalse();
    assertThat(ImageCollector.overBudget(81, 100, 80)).isTrue();
    assertThat(ImageCollector.overBudget(1, 100, 0)).isTrue();
    assertThat(ImageCollector.overBudget(1, 0, 80)).isTrue();
    assertThat(ImageCollector.overBudget(Long.MAX_VALUE / 1000, Long.MAX_VALUE / 100, 80))
        .isFalse();
  }

  private static ImageCollector collector(FakeDocker docker, String repository, String keep) {
    Map<String, String> env = new HashMap<>();
    env.put(DaemonEnv.HOST_ID, "h1");
    env.put(DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused");
    env.put(DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-");
    env.put(DaemonEnv.IMAGE_KEEP_NEWEST, keep);
    if (repository != null) {
      env.put(DaemonEnv.IMAGE_REPOSITORY, repository);
    }
    var config = DaemonConfig.fromEnvironment(env);
    return new ImageCollector(
        docker.client(),
        new EngineImages(docker.client(), Clock.systemUTC(), config),
        new WritableLayerUsage(docker.client(), config),
        config);
  }
}
