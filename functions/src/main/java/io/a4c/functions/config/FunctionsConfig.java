package io.a4c.functions.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the functions read from their environment, checked once at start-up.
 *
 * @param dynamoDbEndpoint endpoint override, for the local runtime and tests only
 * @param sqsEndpoint endpoint override, for the local runtime and tests only
 */
public record FunctionsConfig(
    String workspacesTable,
    String projectsTable,
    String imagesTable,
    String hostsTable,
    String idempotencyTable,
    String hostQueuePrefix,
    String workspaceDomain,
    Duration hostStaleAfter,
    Duration reconcileGrace,
    Duration hostDownAfter,
    Duration stuckAfter,
    String adminClaim,
    String region,
    Optional<URI> dynamoDbEndpoint,
    Optional<URI> sqsEndpoint) {

  /**
   * Reads the configuration from an environment map ({@code System.getenv()} at the entry point).
   *
   * @throws IllegalStateException naming the variable that is missing or malformed
   */
  public static FunctionsConfig fromEnvironment(Map<String, String> env) {
    return new FunctionsConfig(
        required(env, FunctionsEnv.WORKSPACES_TABLE),
        required(env, FunctionsEnv.PROJECTS_TABLE),
        required(env, FunctionsEnv.IMAGES_TABLE),
        required(env, FunctionsEnv.HOSTS_TABLE),
        required(env, FunctionsEnv.IDEMPOTENCY_TABLE),
        required(env, FunctionsEnv.HOST_QUEUE_PREFIX),
        env.getOrDefault(FunctionsEnv.WORKSPACE_DOMAIN, "ws.a4c.internal"),
        Duration.ofSeconds(positive(env, FunctionsEnv.HOST_STALE_AFTER_SECONDS, 30)),
        Duration.ofSeconds(positive(env, FunctionsEnv.RECONCILE_GRACE_SECONDS, 120)),
        Duration.ofSeconds(
            positive(env, FunctionsEnv.HOST_HEARTBEAT_SECONDS, 10) * positive(env, FunctionsEnv.HOST_DOWN_AFTER_MISSED_BEATS, 3)),
        Duration.ofSeconds(positive(env, FunctionsEnv.STUCK_AFTER_SECONDS, 900)),
        env.getOrDefault(FunctionsEnv.ADMIN_CLAIM, "admin"),
        env.getOrDefault(FunctionsEnv.AWS_REGION, "us-east-1"),
        uri(env, FunctionsEnv.DYNAMODB_ENDPOINT),
        uri(env, FunctionsEnv.SQS_ENDPOINT));
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " must be set");
    }
    return value;
  }

  private static long positive(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalStateException("environment variable " + name + " must be a positive number, was " + value);
  }

  private static Optional<URI> uri(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(URI.create(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("environment variable " + name + " must be a URI, was " + value, e);
    }
  }
}
