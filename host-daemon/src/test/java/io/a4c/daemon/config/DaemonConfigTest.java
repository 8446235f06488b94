package io.a4c.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
