package io.a4c.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonConfigTest;
import io.a4c.daemon.config.DaemonEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph is made on every host, builder or not, as {@code HostDaemonMain} makes it (no engine or
 * AWS is called).
 */
class HostDaemonComponentTest {
  @TempDir Path dataDir;

  @Test
  void aHostThatOnlyRunsWorkspacesNeedsNoRepository() {
    var env = DaemonConfigTest.minimal();
    env.put(DaemonEnv.DATA_DIR, dataDir.toString());
    var component = HostDaemonComponent.create(DaemonConfig.fromEnvironment(env));

    assertThat(component.daemon()).isNotNull();
    assertThat(component.buildWorker()).isNotNull();
  }

  @Test
  void aHostWithAnEcrRepositoryMakesItsGraphWithEcrsClientButNoCallToAws() {
    var env = DaemonConfigTest.minimal();
    env.put(DaemonEnv.DATA_DIR, dataDir.toString());
    env.put(
        DaemonEnv.IMAGE_REPOSITORY, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images");
    var component = HostDaemonComponent.create(DaemonConfig.fromEnvironment(env));

    assertThat(component.daemon()).isNotNull();
    assertThat(component.buildWorker()).isNotNull();
  }
}
