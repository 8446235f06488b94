package io.a4c.functions.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class FunctionsConfigTest {
  public static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionsEnv.WORKSPACES_TABLE, "w");
    env.put(FunctionsEnv.PROJECTS_TABLE, "p");
    env.put(FunctionsEnv.IMAGES_TABLE, "i");
    env.put(FunctionsEnv.HOSTS_TABLE, "h");
    env.put(FunctionsEnv.IDEMPOTENCY_TABLE, "k");
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, "a4c-host-");
    return env;
  }

  @Test
  void readsTheEnvironmentWithDefaultsForWhatIsOptional() {
    var config = FunctionsConfig.fromEnvironment(minimal());

    assertThat(config.workspacesTable()).isEqualTo("w");
    assertThat(config.workspaceDomain()).isEqualTo("ws.a4c.internal");
    assertThat(config.hostStaleAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.adminClaim()).isEqualTo("admin");
    assertThat(config.dynamoDbEndpoint()).isEmpty();
  }

  @Test
  void namesTheVariableThatIsMissingOrMalformed() {
    var missing = minimal();
    missing.remove(FunctionsEnv.HOSTS_TABLE);
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(missing)).hasMessageContaining("A4C_HOSTS_TABLE");

    var malformed = minimal();
    malformed.put(FunctionsEnv.HOST_STALE_AFTER_SECONDS, "soon");
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(malformed)).hasMessageContaining("A4C_HOST_STALE_AFTER_SECONDS");
  }
}
