package io.a4c.functions.config;

import io.a4c.events.Arch;

/**
 * Names of the environment variables the functions read. The CDK app sets exactly these, so a
 * rename here is a rename there.
 */
public final class FunctionsEnv {
  /**
   * DynamoDB table of workspaces, keyed by userId (PK) and workspaceId (SK), GSI {@code byHost}.
   */
  public static final String WORKSPACES_TABLE = "A4C_WORKSPACES_TABLE";

  /** DynamoDB table of projects, keyed by projectName. */
  public static final String PROJECTS_TABLE = "A4C_PROJECTS_TABLE";

  /** DynamoDB table of images, keyed by imageKey ({@code project#parent#arch}) and change. */
  public static final String IMAGES_TABLE = "A4C_IMAGES_TABLE";

  /** DynamoDB table of hosts, keyed by hostId. */
  public static final String HOSTS_TABLE = "A4C_HOSTS_TABLE";

  /** Which hosts hold each image, by image ({@code HostImageStore}). */
  public static final String HOST_IMAGES_TABLE = "A4C_HOST_IMAGES_TABLE";

  /**
   * DynamoDB table of idempotency keys, keyed by idempotencyKey ({@code <userId>#<key>}), TTL on
   * expiresAt.
   */
  public static final String IDEMPOTENCY_TABLE = "A4C_IDEMPOTENCY_TABLE";

  /** Prefix of every host's FIFO command queue name: {@code <prefix><hostId>.fifo}. */
  public static final String HOST_QUEUE_PREFIX = "A4C_HOST_QUEUE_PREFIX";

  /**
   * The KMS key (ECC_NIST_P256, SIGN_VERIFY) of the SSH certificate authority that signs workspace
   * host keys. AWS only.
   */
  public static final String SSH_CA_KMS_KEY_ID = "A4C_SSH_CA_KMS_KEY_ID";

  /**
   * A file holding the SSH certificate authority's PKCS#8 P-256 key (base64), its X.509 public key
   * in {@code <file>.pub}: the local runtime's, in its data directory.
   */
  public static final String SSH_CA_KEY_FILE = "A4C_SSH_CA_KEY_FILE";

  /** DNS domain under which workspace hostnames are made: {@code <workspaceId>.<domain>}. */
  public static final String WORKSPACE_DOMAIN = "A4C_WORKSPACE_DOMAIN";

  /**
   * The Route 53 hosted zone workspace A records are written to (AWS; the CDK app sets it). Unset:
   * they go to the table {@link #DNS_RECORDS_TABLE}, which the local runtime's DNS server reads.
   */
  public static final String DNS_ZONE_ID = "A4C_DNS_ZONE_ID";

  /**
   * DynamoDB table of workspace A records, keyed by hostname, when there is no {@link #DNS_ZONE_ID}
   * (default {@code a4c-dns-records}, the local runtime's).
   */
  public static final String DNS_RECORDS_TABLE = "A4C_DNS_RECORDS_TABLE";

  /** A host whose last heartbeat is older than this many seconds is not a placement candidate. */
  public static final String HOST_STALE_AFTER_SECONDS = "A4C_HOST_STALE_AFTER_SECONDS";

  /**
   * Age in seconds below which the reconciler leaves containers and records alone (default 120).
   */
  public static final String RECONCILE_GRACE_SECONDS = "A4C_RECONCILE_GRACE_SECONDS";

  /** The fleet's heartbeat interval in seconds (the daemons' A4C_HEARTBEAT_SECONDS; default 10). */
  public static final String HOST_HEARTBEAT_SECONDS = "A4C_HOST_HEARTBEAT_SECONDS";

  /** How many heartbeats a host may miss before the sweeper marks it DOWN (default 3). */
  public static final String HOST_DOWN_AFTER_MISSED_BEATS = "A4C_HOST_DOWN_AFTER_MISSED_BEATS";

  /**
   * Minutes without an SSH session and with CPU below the hosts' threshold after which a workspace
   * of a project that sets no {@code lifecycle.idleStopMinutes} is stopped (default 0: never).
   */
  public static final String IDLE_STOP_MINUTES = "A4C_IDLE_STOP_MINUTES";

  /**
   * Seconds after which a create or delete that has not moved is re-driven or failed (default 900).
   */
  public static final String STUCK_AFTER_SECONDS = "A4C_STUCK_AFTER_SECONDS";

  /** Name of the JWT claim that marks an administrator (its value must be {@code true}). */
  public static final String ADMIN_CLAIM = "A4C_ADMIN_CLAIM";

  /** DynamoDB table of the audit trail, keyed by stream and entryId, GSI {@code byUser}. */
  public static final String AUDIT_TABLE = "A4C_AUDIT_TABLE";

  /**
   * DynamoDB table of users' SSH keys and workspace logins, keyed by userId (PK) and keyName (SK).
   */
  public static final String SSH_KEYS_TABLE = "A4C_SSH_KEYS_TABLE";

  /** DynamoDB table of per-user usage counters (quotas), keyed by userId. */
  public static final String USAGE_TABLE = "A4C_USAGE_TABLE";

  /**
   * Key that seals pagination tokens (HMAC-SHA256), base64, at least 32 bytes. In AWS the CDK app
   * sets it from a generated Secrets Manager secret; the local runtime keeps one in its data
   * directory. Rotating it invalidates the tokens in flight (a 400; the client starts over).
   */
  public static final String PAGE_TOKEN_KEY = "A4C_PAGE_TOKEN_KEY";

  /** Most workspaces a user may hold at once, unless the project overrides it (default 10). */
  public static final String MAX_WORKSPACES_PER_USER = "A4C_MAX_WORKSPACES_PER_USER";

  /**
   * Most image builds a user may have in flight at once, unless the project overrides it (default
   * 5): a schedule past it is refused with 429 ({@code Quotas.buildsInFlight}).
   */
  public static final String MAX_BUILDS_IN_FLIGHT_PER_USER = "A4C_MAX_BUILDS_IN_FLIGHT_PER_USER";

  /**
   * How the host-events consumer proves which host sent a message: {@code sender-id} (AWS: the SQS
   * SenderId of the host role's session, {@code <roleId>:<hostId>}) or {@code signature} (the local
   * runtime: an HMAC of the body with the host's own key). Default {@code sender-id}.
   */
  public static final String HOST_AUTH = "A4C_HOST_AUTH";

  /**
   * For {@code sender-id}: each host's role id, {@code h1=AROA…,h2=AROA…} (optional, checked when
   * set).
   */
  public static final String HOST_ROLE_IDS = "A4C_HOST_ROLE_IDS";

  /** For {@code signature}: each host's base64 event key, {@code h1=<key>,h2=<key>}. */
  public static final String HOST_EVENT_KEYS = "A4C_HOST_EVENT_KEYS";

  /**
   * Optional STS endpoint a build claim's presigned caller identity is sent to (tests only; default
   * {@code https://sts.<AWS_REGION>.amazonaws.com}).
   */
  public static final String STS_ENDPOINT = "A4C_STS_ENDPOINT";

  /** Optional endpoint override for DynamoDB (local runtime and tests only). */
  public static final String DYNAMODB_ENDPOINT = "A4C_DYNAMODB_ENDPOINT";

  /** Optional endpoint override for SQS (local runtime and tests only). */
  public static final String SQS_ENDPOINT = "A4C_SQS_ENDPOINT";

  /**
   * URL of the amd64 build queue: the image-schedules API, recurring builds and the sweeper send
   * amd64 jobs to it, and only amd64 builders poll it.
   */
  public static final String BUILD_QUEUE_URL_AMD64 = "A4C_BUILD_QUEUE_URL_AMD64";

  /** URL of the arm64 build queue, as {@link #BUILD_QUEUE_URL_AMD64} for arm64 jobs. */
  public static final String BUILD_QUEUE_URL_ARM64 = "A4C_BUILD_QUEUE_URL_ARM64";

  /** The variable naming the build queue of {@code arch}: one queue per arch, each with its DLQ. */
  public static String buildQueueUrl(Arch arch) {
    return switch (arch) {
      case AMD64 -> BUILD_QUEUE_URL_AMD64;
      case ARM64 -> BUILD_QUEUE_URL_ARM64;
    };
  }

  /**
   * DynamoDB table of image schedules, keyed by userId (PK) and scheduleId (SK), GSI {@code
   * byStatus}.
   */
  public static final String BUILD_SCHEDULES_TABLE = "A4C_BUILD_SCHEDULES_TABLE";

  /** DynamoDB table of build logs, keyed by scheduleId. */
  public static final String BUILD_LOGS_TABLE = "A4C_BUILD_LOGS_TABLE";

  /**
   * The one repository builds push to, {@code host[:port]/path} (the daemons' setting of the same
   * name): a builder's reported image is accepted only as {@code <repository>:<tag>} with the tag
   * its build's name scheme gives ({@code ImageTags}).
   */
  public static final String IMAGE_REPOSITORY = "A4C_IMAGE_REPOSITORY";

  /**
   * How many receives the build queue allows before its dead-letter queue (for the failure reason).
   */
  public static final String BUILD_MAX_RECEIVES = "A4C_BUILD_MAX_RECEIVES";

  /**
   * How many recurring builds of each arch may be queued or running at once (default 1): the rest
   * wait.
   */
  public static final String RECURRING_BUILDS_IN_FLIGHT = "A4C_RECURRING_BUILDS_IN_FLIGHT";

  /** The verified SES identity build emails are sent from. */
  public static final String EMAIL_SENDER = "A4C_EMAIL_SENDER";

  /** The SES configuration set build emails are sent with (optional). */
  public static final String EMAIL_CONFIGURATION_SET = "A4C_EMAIL_CONFIGURATION_SET";

  /**
   * Domain of users' addresses when their token carries no {@code email} claim: mail goes to {@code
   * <userId>@<domain>}. Without it, such users get no email.
   */
  public static final String USER_EMAIL_DOMAIN = "A4C_USER_EMAIL_DOMAIN";

  /** Optional endpoint override for SES (local runtime and tests only). */
  public static final String SES_ENDPOINT = "A4C_SES_ENDPOINT";

  /** The AWS region; set by the Lambda runtime in AWS. */
  public static final String AWS_REGION = "AWS_REGION";

  private FunctionsEnv() {}
}
