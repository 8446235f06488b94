package io.a4c.functions.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class FunctionsConfigTest {
  /** A 32-byte key, base64. */
  static final String KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

  public static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put(FunctionsEnv.WORKSPACES_TABLE, "w");
    env.put(FunctionsEnv.PROJECTS_TABLE, "p");
    env.put(FunctionsEnv.IMAGES_TABLE, "i");
    env.put(FunctionsEnv.HOSTS_TABLE, "h");
    env.put(FunctionsEnv.HOST_IMAGES_TABLE, "hi");
    env.put(FunctionsEnv.IDEMPOTENCY_TABLE, "k");
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, "a4c-host-");
    env.put(FunctionsEnv.AUDIT_TABLE, "a");
    env.put(FunctionsEnv.USAGE_TABLE, "u");
    env.put(FunctionsEnv.SSH_KEYS_TABLE, "sk");
    env.put(FunctionsEnv.PAGE_TOKEN_KEY, KEY);
    env.put(
        FunctionsEnv.BUILD_QUEUE_URL_AMD64,
        "https://sqs.eu-west-1.amazonaws.com/1/a4c-builds-amd64");
    env.put(
        FunctionsEnv.BUILD_QUEUE_URL_ARM64,
        "https://sqs.eu-west-1.amazonaws.com/1/a4c-builds-arm64");
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, "bs");
    env.put(FunctionsEnv.BUILD_LOGS_TABLE, "bl");
    env.put(FunctionsEnv.IMAGE_REPOSITORY, "registry.example:5000/a4c-images");
    env.put(FunctionsEnv.EMAIL_SENDER, "builds@example.com");
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
    assertThat(config.security().maxWorkspacesPerUser()).isEqualTo(10);
    assertThat(config.security().hostAuth()).isEqualTo(FunctionsConfig.HostAuth.SENDER_ID);
    assertThat(config.security().hostRoleIds()).isEmpty();
    assertThat(config.builds().maxReceives()).isEqualTo(3);
    assertThat(config.builds().recurringInFlight()).isEqualTo(1);
    assertThat(config.builds().userEmailDomain()).isNull();
  }

  @Test
  void aMissingOrShortPaginationKeyIsAStartUpErrorThatDoesNotPrintTheKey() {
    var missing = minimal();
    missing.remove(FunctionsEnv.PAGE_TOKEN_KEY);
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(missing))
        .hasMessageContaining("A4C_PAGE_TOKEN_KEY");

    var tooShort = minimal();
    String shortKey = java.util.Base64.getEncoder().encodeToString("sixteen-bytes-ok".getBytes());
    tooShort.put(FunctionsEnv.PAGE_TOKEN_KEY, shortKey);
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(tooShort))
        .hasMessageContaining("A4C_PAGE_TOKEN_KEY")
        .hasMessageNotContaining(shortKey);
    assertThat(FunctionsConfig.fromEnvironment(minimal()).toString())
        .doesNotContain(KEY)
        .contains("redacted");
  }

  @Test
  void signatureAuthNeedsHostKeysAndRoleIdsMustBeRoleIds() {
    var noKeys = minimal();
    noKeys.put(FunctionsEnv.HOST_AUTH, "signature");
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(noKeys))
        .hasMessageContaining("A4C_HOST_EVENT_KEYS");

    var withKeys = minimal();
    withKeys.put(FunctionsEnv.HOST_AUTH, "signature");
    withKeys.put(FunctionsEnv.HOST_EVENT_KEYS, "h1=" + KEY + ",h2=" + KEY);
    assertThat(FunctionsConfig.fromEnvironment(withKeys).security().hostEventKeys())
        .containsOnlyKeys("h1", "h2");

    var badRole = minimal();
    badRole.put(FunctionsEnv.HOST_ROLE_IDS, "h1=AIDAUSERNOTAROLE");
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(badRole))
        .hasMessageContaining("A4C_HOST_ROLE_IDS");

    var badMode = minimal();
    badMode.put(FunctionsEnv.HOST_AUTH, "trust-me");
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(badMode))
        .hasMessageContaining("A4C_HOST_AUTH");
  }

  @Test
  void namesTheVariableThatIsMissingOrMalformed() {
    var missing = minimal();
    missing.remove(FunctionsEnv.HOSTS_TABLE);
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(missing))
        .hasMessageContaining("A4C_HOSTS_TABLE");

    var malformed = minimal();
    malformed.put(FunctionsEnv.HOST_STALE_AFTER_SECONDS, "soon");
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(malformed))
        .hasMessageContaining("A4C_HOST_STALE_AFTER_SECONDS");

    var noArm64Queue = minimal();
    noArm64Queue.remove(FunctionsEnv.BUILD_QUEUE_URL_ARM64);
    assertThatThrownBy(() -> FunctionsConfig.fromEnvironment(noArm64Queue))
        .hasMessageContaining("A4C_BUILD_QUEUE_URL_ARM64");
  }

  @Test
  void everyArchHasItsOwnBuildQueue() {
    var builds = FunctionsConfig.fromEnvironment(minimal()).builds();

    assertThat(builds.queueUrl(Arch.AMD64)).endsWith("/a4c-builds-amd64");
    assertThat(builds.queueUrl(Arch.ARM64)).endsWith("/a4c-builds-arm64");
    for (Arch arch : Arch.values()) {
      assertThat(FunctionsEnv.buildQueueUrl(arch))
          .isEqualTo("A4C_BUILD_QUEUE_URL_" + arch.wireName().toUpperCase(java.util.Locale.ROOT));
    }
  }
}
