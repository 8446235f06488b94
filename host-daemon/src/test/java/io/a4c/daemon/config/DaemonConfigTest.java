package io.a4c.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class DaemonConfigTest {
  public static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(DaemonEnv.HOST_ID, "h1");
    env.put(DaemonEnv.HOST_EVENTS_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/1/a4c-host-events");
    env.put(DaemonEnv.HOST_QUEUE_PREFIX, "a4c-prod-host-");
    return env;
  }

  @Test
  void readsTheEnvironmentWithDefaults() {
    var config = DaemonConfig.fromEnvironment(minimal());

    assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.capacity()).isEqualTo(20);
    assertThat(config.sqsEndpoint()).isEmpty();
    assertThat(config.builder().enabled()).isFalse();
  }

  /** A builder's environment with the build queue of one arch only. */
  private static Map<String, String> builderWithQueueOf(Arch arch) {
    var env = minimal();
    env.put(DaemonEnv.BUILDER, "true");
    env.put(DaemonEnv.buildQueueUrl(arch), "https://sqs.eu-west-1.amazonaws.com/1/a4c-builds-" + arch.wireName());
    env.put(DaemonEnv.IMAGE_REGISTRY, "10.250.0.1:5000");
    env.put(DaemonEnv.BUILD_CLAIM_FUNCTION, "a4c-prod-BuildClaim");
    return env;
  }

  @Test
  void aBuilderNeedsItsQueueRegistryAndClaimFunctionAndNamesWhatIsMissing() {
    var env = builderWithQueueOf(Arch.AMD64);
    var builder = DaemonConfig.fromEnvironment(env).builder();
    assertThat(builder.enabled()).isTrue();
    assertThat(builder.concurrency()).isEqualTo(2);
    assertThat(builder.visibility()).isEqualTo(Duration.ofMinutes(5));

    var noQueue = new java.util.HashMap<>(env);
    noQueue.remove(DaemonEnv.BUILD_QUEUE_URL_AMD64);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noQueue))
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_AMD64").hasMessageContaining("A4C_BUILD_QUEUE_URL_ARM64");
    var noRegistry = new java.util.HashMap<>(env);
    noRegistry.remove(DaemonEnv.IMAGE_REGISTRY);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noRegistry)).hasMessageContaining("A4C_IMAGE_REGISTRY");
    var shellRegistry = new java.util.HashMap<>(env);
    shellRegistry.put(DaemonEnv.IMAGE_REGISTRY, "evil;rm");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(shellRegistry)).hasMessageContaining("A4C_IMAGE_REGISTRY");
    var tooMany = new java.util.HashMap<>(env);
    tooMany.put(DaemonEnv.BUILD_CONCURRENCY, "0");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(tooMany)).hasMessageContaining("A4C_BUILD_CONCURRENCY");
  }

  @Test
  void aBuilderPollsTheQueueOfItsOwnArchAndNamesTheVariableWhenItHasNone() {
    var builder = DaemonConfig.fromEnvironment(builderWithQueueOf(Arch.ARM64)).builder();

    assertThat(builder.queueUrl(Arch.ARM64)).endsWith("/a4c-builds-arm64");
    assertThatThrownBy(() -> builder.queueUrl(Arch.AMD64))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_AMD64")
        .hasMessageContaining("amd64");
  }

  @Test
  void refusesAHostIdThatCouldNotNameAQueueAndNamesTheVariable() {
    var env = minimal();
    env.put(DaemonEnv.HOST_ID, "H1/../x");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(env)).hasMessageContaining("A4C_HOST_ID");

    var noQueue = minimal();
    noQueue.remove(DaemonEnv.HOST_EVENTS_QUEUE_URL);
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(noQueue)).hasMessageContaining("A4C_HOST_EVENTS_QUEUE_URL");

    var badBeat = minimal();
    badBeat.put(DaemonEnv.HEARTBEAT_SECONDS, "0");
    assertThatThrownBy(() -> DaemonConfig.fromEnvironment(badBeat)).hasMessageContaining("A4C_HEARTBEAT_SECONDS");
  }
}
