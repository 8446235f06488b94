package io.a4c.functions.config;

import io.a4c.events.Arch;
import io.a4c.functions.dynamo.A4cTables;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the functions read from their environment, checked once at start-up.
 *
 * @param dynamoDbEndpoint endpoint override, for the local runtime and tests only
 * @param sqsEndpoint endpoint override, for the local runtime and tests only
 * @param security the audit trail, quotas, pagination key and how host events are authenticated
 * @param builds the image builds' tables, queues (one per arch) and email settings
 * @param ssh the SSH certificate authority's key
 * @param dns where workspace hostnames are written
 * @param sshKeysTable users' SSH keys and workspace logins
 * @param idleStopMinutes the idle stop of projects that do not set one; 0 for never
 */
public record FunctionsConfig(
    String workspacesTable,
    String projectsTable,
    String imagesTable,
    String hostsTable,
    String hostImagesTable,
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
    Optional<URI> sqsEndpoint,
    Security security,
    Builds builds,
    Ssh ssh,
    Dns dns,
    String sshKeysTable,
    int idleStopMinutes) {

  /**
   * Where workspace A records go.
   *
   * @param zoneId the Route 53 hosted zone (AWS), or null: the records table
   * @param recordsTable the table of records when there is no zone (the local runtime's)
   */
  public record Dns(String zoneId, String recordsTable) {}

  /** How the host-events consumer proves which host sent a message. */
  public enum HostAuth {
    /** AWS: the message's SQS {@code SenderId}, {@code <roleId>:<session>}, names the host. */
    SENDER_ID,
    /** The local runtime: an HMAC-SHA256 of the body with the host's own key. */
    SIGNATURE
  }

  /**
   * Settings of issue 5 (security).
   *
   * @param pageTokenKey seals pagination tokens
   * @param maxWorkspacesPerUser default per-user workspace quota (a project may override it)
   * @param maxBuildsInFlightPerUser default per-user build quota, for the image-schedules API
   * @param hostRoleIds for {@link HostAuth#SENDER_ID}: each host's IAM role id; empty: session name
   *     alone
   * @param hostEventKeys for {@link HostAuth#SIGNATURE}: each host's event key
   * @param stsEndpoint for {@link HostAuth#SENDER_ID}: the STS endpoint a build claim's presigned
   *     caller identity is sent to (this region's, unless overridden for tests)
   */
  public record Security(
      String auditTable,
      String usageTable,
      SecretKey pageTokenKey,
      int maxWorkspacesPerUser,
      int maxBuildsInFlightPerUser,
      HostAuth hostAuth,
      Map<String, String> hostRoleIds,
      Map<String, SecretKey> hostEventKeys,
      URI stsEndpoint) {
    public Security {
      hostRoleIds = Map.copyOf(hostRoleIds);
      hostEventKeys = Map.copyOf(hostEventKeys);
    }
  }

  /**
   * The image builds' settings.
   *
   * @param queueUrls the build queue of every arch: a job goes to its arch's queue only
   * @param imageRepository the one repository built images are pushed to, {@code host[:port]/path}
   * @param maxReceives receives of a job before the build queue dead-letters it
   * @param recurringInFlight recurring builds of one arch that may be queued or running at once
   * @param emailConfigurationSet SES configuration set, or null
   * @param userEmailDomain domain for users whose token has no email claim, or null
   * @param sesEndpoint endpoint override, for the local runtime and tests only
   */
  public record Builds(
      Map<Arch, String> queueUrls,
      String schedulesTable,
      String logsTable,
      String imageRepository,
      int maxReceives,
      int recurringInFlight,
      String emailSender,
      String emailConfigurationSet,
      String userEmailDomain,
      Optional<URI> sesEndpoint) {
    public Builds {
      queueUrls = Map.copyOf(queueUrls);
      for (Arch arch : Arch.values()) {
        if (!queueUrls.containsKey(arch)) {
          throw new IllegalArgumentException("no build queue for arch " + arch.wireName());
        }
      }
    }

    /** The build queue of {@code arch}. */
    public String queueUrl(Arch arch) {
      return queueUrls.get(arch);
    }
  }

  /**
   * Where the SSH certificate authority's key is: a KMS key in AWS, else a key file (the local
   * runtime's); neither: workspaces are made without SSH.
   *
   * @param caKmsKeyId the KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs host certificates
   * @param caKeyFile a PKCS#8 P-256 key file, with its public key beside it in {@code <file>.pub}
   */
  public record Ssh(Optional<String> caKmsKeyId, Optional<Path> caKeyFile) {}

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
        required(env, FunctionsEnv.HOST_IMAGES_TABLE),
        required(env, FunctionsEnv.IDEMPOTENCY_TABLE),
        required(env, FunctionsEnv.HOST_QUEUE_PREFIX),
        env.getOrDefault(FunctionsEnv.WORKSPACE_DOMAIN, "ws.a4c.internal"),
        Duration.ofSeconds(positive(env, FunctionsEnv.HOST_STALE_AFTER_SECONDS, 30)),
        Duration.ofSeconds(positive(env, FunctionsEnv.RECONCILE_GRACE_SECONDS, 120)),
        Duration.ofSeconds(
            positive(env, FunctionsEnv.HOST_HEARTBEAT_SECONDS, 10)
                * positive(env, FunctionsEnv.HOST_DOWN_AFTER_MISSED_BEATS, 3)),
        Duration.ofSeconds(positive(env, FunctionsEnv.STUCK_AFTER_SECONDS, 900)),
        env.getOrDefault(FunctionsEnv.ADMIN_CLAIM, "admin"),
        env.getOrDefault(FunctionsEnv.AWS_REGION, "us-east-1"),
        uri(env, FunctionsEnv.DYNAMODB_ENDPOINT),
        uri(env, FunctionsEnv.SQS_ENDPOINT),
        security(env, env.getOrDefault(FunctionsEnv.AWS_REGION, "us-east-1")),
        new Builds(
            buildQueueUrls(env),
            required(env, FunctionsEnv.BUILD_SCHEDULES_TABLE),
            required(env, FunctionsEnv.BUILD_LOGS_TABLE),
            required(env, FunctionsEnv.IMAGE_REPOSITORY),
            (int) positive(env, FunctionsEnv.BUILD_MAX_RECEIVES, 3),
            (int) positive(env, FunctionsEnv.RECURRING_BUILDS_IN_FLIGHT, 1),
            required(env, FunctionsEnv.EMAIL_SENDER),
            blankToNull(env.get(FunctionsEnv.EMAIL_CONFIGURATION_SET)),
            blankToNull(env.get(FunctionsEnv.USER_EMAIL_DOMAIN)),
            uri(env, FunctionsEnv.SES_ENDPOINT)),
        new Ssh(
            Optional.ofNullable(blankToNull(env.get(FunctionsEnv.SSH_CA_KMS_KEY_ID))),
            Optional.ofNullable(blankToNull(env.get(FunctionsEnv.SSH_CA_KEY_FILE))).map(Path::of)),
        new Dns(
            blankToNull(env.get(FunctionsEnv.DNS_ZONE_ID)),
            Optional.ofNullable(blankToNull(env.get(FunctionsEnv.DNS_RECORDS_TABLE)))
                .orElse(A4cTables.DNS_RECORDS.localName())),
        required(env, FunctionsEnv.SSH_KEYS_TABLE),
        (int) nonNegative(env, FunctionsEnv.IDLE_STOP_MINUTES, 0));
  }

  private static Map<Arch, String> buildQueueUrls(Map<String, String> env) {
    Map<Arch, String> urls = new EnumMap<>(Arch.class);
    for (Arch arch : Arch.values()) {
      urls.put(arch, required(env, FunctionsEnv.buildQueueUrl(arch)));
    }
    return urls;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static Security security(Map<String, String> env, String region) {
    SecretKey pageTokenKey =
        key(FunctionsEnv.PAGE_TOKEN_KEY, required(env, FunctionsEnv.PAGE_TOKEN_KEY));
    String auth = env.getOrDefault(FunctionsEnv.HOST_AUTH, "sender-id").trim();
    HostAuth hostAuth =
        switch (auth) {
          case "sender-id" -> HostAuth.SENDER_ID;
          case "signature" -> HostAuth.SIGNATURE;
          default ->
              throw new IllegalStateException(
                  "environment variable "
                      + FunctionsEnv.HOST_AUTH
                      + " must be sender-id or signature, was "
                      + auth);
        };
    Map<String, String> roleIds = new java.util.LinkedHashMap<>();
    hostMap(env, FunctionsEnv.HOST_ROLE_IDS)
        .forEach(
            (host, id) -> {
              if (!id.matches("AROA[A-Z0-9]{4,128}")) {
                throw new IllegalStateException(
                    "environment variable "
                        + FunctionsEnv.HOST_ROLE_IDS
                        + ": the role id of "
                        + host
                        + " must start with AROA");
              }
              roleIds.put(host, id);
            });
    Map<String, SecretKey> keys = new java.util.LinkedHashMap<>();
    hostMap(env, FunctionsEnv.HOST_EVENT_KEYS)
        .forEach(
            (host, value) ->
                keys.put(host, key(FunctionsEnv.HOST_EVENT_KEYS + " (" + host + ")", value)));
    if (hostAuth == HostAuth.SIGNATURE && keys.isEmpty()) {
      throw new IllegalStateException(
          "environment variable "
              + FunctionsEnv.HOST_EVENT_KEYS
              + " must be set when "
              + FunctionsEnv.HOST_AUTH
              + " is signature");
    }
    return new Security(
        required(env, FunctionsEnv.AUDIT_TABLE),
        required(env, FunctionsEnv.USAGE_TABLE),
        pageTokenKey,
        (int) positive(env, FunctionsEnv.MAX_WORKSPACES_PER_USER, 10),
        (int) positive(env, FunctionsEnv.MAX_BUILDS_IN_FLIGHT_PER_USER, 5),
        hostAuth,
        roleIds,
        keys,
        uri(env, FunctionsEnv.STS_ENDPOINT)
            .orElse(URI.create("https://sts." + region + ".amazonaws.com")));
  }

  private static SecretKey key(String name, String value) {
    try {
      return SecretKey.ofBase64(value);
    } catch (IllegalArgumentException e) {
      // The value itself is a secret: never in the message.
      throw new IllegalStateException(
          "environment variable "
              + name
              + " must be a base64 key of at least "
              + SecretKey.MIN_BYTES
              + " bytes ("
              + e.getMessage()
              + ")");
    }
  }

  /** Parses {@code h1=value,h2=value}; host ids follow the naming rule. */
  private static Map<String, String> hostMap(Map<String, String> env, String name) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return map;
    }
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      String host = eq > 0 ? entry.substring(0, eq).trim() : "";
      if (!io.a4c.events.Names.HOST_ID.matcher(host).matches() || eq == entry.length() - 1) {
        throw new IllegalStateException(
            "environment variable " + name + " must be host=value pairs separated by commas");
      }
      map.put(host, entry.substring(eq + 1).trim());
    }
    return map;
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " must be set");
    }
    return value;
  }

  private static long nonNegative(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    return value != null && value.strip().equals("0") ? 0 : positive(env, name, fallback);
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
    throw new IllegalStateException(
        "environment variable " + name + " must be a positive number, was " + value);
  }

  private static Optional<URI> uri(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(URI.create(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "environment variable " + name + " must be a URI, was " + value, e);
    }
  }
}
