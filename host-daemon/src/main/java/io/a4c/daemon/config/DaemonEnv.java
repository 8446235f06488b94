package io.a4c.daemon.config;

/**
 * Names of the environment variables (or {@code /etc/a4c/host-daemon.env} entries) the host
 * daemon reads. The CDK app's outputs and the deploy guide use exactly these.
 */
public final class DaemonEnv {
  /** This host's id; names its command queue and labels its containers. */
  public static final String HOST_ID = "A4C_HOST_ID";

  /** The Docker endpoint, e.g. {@code unix:///var/run/docker.sock}. */
  public static final String DOCKER_HOST = "A4C_DOCKER_HOST";

  /** URL of the shared host-events queue the daemon reports to. */
  public static final String HOST_EVENTS_QUEUE_URL = "A4C_HOST_EVENTS_QUEUE_URL";

  /** Prefix of every host's FIFO command queue name: {@code <prefix><hostId>.fifo}. */
  public static final String HOST_QUEUE_PREFIX = "A4C_HOST_QUEUE_PREFIX";

  /** Seconds between heartbeats. */
  public static final String HEARTBEAT_SECONDS = "A4C_HEARTBEAT_SECONDS";

  /** How many workspaces this host may run at once. */
  public static final String CAPACITY = "A4C_HOST_CAPACITY";

  /** Directory for the daemon's own files (the hostname entries file). */
  public static final String DATA_DIR = "A4C_DAEMON_DATA_DIR";

  /** Seconds a command-queue receive waits for messages (long polling, 1 to 20). */
  public static final String POLL_WAIT_SECONDS = "A4C_POLL_WAIT_SECONDS";

  /** Seconds between inventories of this host's A4C containers for the reconciler. */
  public static final String RECONCILE_SECONDS = "A4C_RECONCILE_SECONDS";

  /**
   * Seconds a received command stays hidden from other receivers; extended while the command
   * runs, so it only matters when the daemon dies: then the command returns after this long.
   */
  public static final String COMMAND_VISIBILITY_SECONDS = "A4C_COMMAND_VISIBILITY_SECONDS";

  /**
   * Optional base64 key (at least 32 bytes) this host signs its events with, for a consumer that
   * authenticates hosts by signature (the local runtime). In AWS leave it unset: the host-events
   * queue's SenderId, the role session named after the host, identifies the host.
   */
  public static final String EVENT_KEY = "A4C_HOST_EVENT_KEY";

  /** Optional endpoint override for SQS (local runtime and tests only). */
  public static final String SQS_ENDPOINT = "A4C_SQS_ENDPOINT";

  /** The AWS region. */
  public static final String AWS_REGION = "AWS_REGION";

  private DaemonEnv() {}
}
