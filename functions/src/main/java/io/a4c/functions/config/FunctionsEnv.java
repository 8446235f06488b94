package io.a4c.functions.config;

/**
 * Names of the environment variables the functions read. The CDK app sets exactly these, so a
 * rename here is a rename there.
 */
public final class FunctionsEnv {
  /** DynamoDB table of workspaces, keyed by userId (PK) and workspaceId (SK), GSI {@code byHost}. */
  public static final String WORKSPACES_TABLE = "A4C_WORKSPACES_TABLE";

  /** DynamoDB table of projects, keyed by projectName. */
  public static final String PROJECTS_TABLE = "A4C_PROJECTS_TABLE";

  /** DynamoDB table of images, keyed by imageKey ({@code project#parent#arch}) and change. */
  public static final String IMAGES_TABLE = "A4C_IMAGES_TABLE";

  /** DynamoDB table of hosts, keyed by hostId. */
  public static final String HOSTS_TABLE = "A4C_HOSTS_TABLE";

  /** DynamoDB table of idempotency keys, keyed by idempotencyKey ({@code <userId>#<key>}), TTL on expiresAt. */
  public static final String IDEMPOTENCY_TABLE = "A4C_IDEMPOTENCY_TABLE";

  /** Prefix of every host's FIFO command queue name: {@code <prefix><hostId>.fifo}. */
  public static final String HOST_QUEUE_PREFIX = "A4C_HOST_QUEUE_PREFIX";

  /** DNS domain under which workspace hostnames are made: {@code <workspaceId>.<domain>}. */
  public static final String WORKSPACE_DOMAIN = "A4C_WORKSPACE_DOMAIN";

  /** A host whose last heartbeat is older than this many seconds is not a placement candidate. */
  public static final String HOST_STALE_AFTER_SECONDS = "A4C_HOST_STALE_AFTER_SECONDS";

  /** Age in seconds below which the reconciler leaves containers and records alone (default 120). */
  public static final String RECONCILE_GRACE_SECONDS = "A4C_RECONCILE_GRACE_SECONDS";

  /** The fleet's heartbeat interval in seconds (the daemons' A4C_HEARTBEAT_SECONDS; default 10). */
  public static final String HOST_HEARTBEAT_SECONDS = "A4C_HOST_HEARTBEAT_SECONDS";

  /** How many heartbeats a host may miss before the sweeper marks it DOWN (default 3). */
  public static final String HOST_DOWN_AFTER_MISSED_BEATS = "A4C_HOST_DOWN_AFTER_MISSED_BEATS";

  /** Seconds after which a create or delete that has not moved is re-driven or failed (default 900). */
  public static final String STUCK_AFTER_SECONDS = "A4C_STUCK_AFTER_SECONDS";

  /** Name of the JWT claim that marks an administrator (its value must be {@code true}). */
  public static final String ADMIN_CLAIM = "A4C_ADMIN_CLAIM";

  /** Optional endpoint override for DynamoDB (local runtime and tests only). */
  public static final String DYNAMODB_ENDPOINT = "A4C_DYNAMODB_ENDPOINT";

  /** Optional endpoint override for SQS (local runtime and tests only). */
  public static final String SQS_ENDPOINT = "A4C_SQS_ENDPOINT";

  /** The AWS region; set by the Lambda runtime in AWS. */
  public static final String AWS_REGION = "AWS_REGION";

  private FunctionsEnv() {}
}
