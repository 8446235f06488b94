package io.a4c.daemon.config;

import io.a4c.events.Arch;

/**
 * Names of the environment variables (or {@code /etc/a4c/host-daemon.env} entries) the host daemon
 * reads. The CDK app's outputs and the deploy guide use exactly these.
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
   * Seconds a received command stays hidden from other receivers; extended while the command runs,
   * so it only matters when the daemon dies: then the command returns after this long.
   */
  public static final String COMMAND_VISIBILITY_SECONDS = "A4C_COMMAND_VISIBILITY_SECONDS";

  /**
   * How many workspaces' commands a host runs at once (default 8): commands of one workspace run
   * one after the other, in order; a slow one holds only its own workspace's.
   */
  public static final String COMMAND_CONCURRENCY = "A4C_COMMAND_CONCURRENCY";

  /**
   * Optional base64 key (at least 32 bytes) this host signs its events with, for a consumer that
   * authenticates hosts by signature (the local runtime). In AWS leave it unset: the host-events
   * queue's SenderId, the role session named after the host, identifies the host.
   */
  public static final String EVENT_KEY = "A4C_HOST_EVENT_KEY";

  /** Optional endpoint override for SQS (local runtime and tests only). */
  public static final String SQS_ENDPOINT = "A4C_SQS_ENDPOINT";

  /** {@code true} makes this daemon a builder too: it takes jobs from the build queue. */
  public static final String BUILDER = "A4C_BUILDER";

  /**
   * URL of the amd64 build queue (stack output BuildQueueUrlAmd64). A builder polls only the queue
   * of its engine's arch, so every host may carry the same pair of URLs; a builder needs at least
   * the one of its own arch.
   */
  public static final String BUILD_QUEUE_URL_AMD64 = "A4C_BUILD_QUEUE_URL_AMD64";

  /**
   * URL of the arm64 build queue (stack output BuildQueueUrlArm64); see {@link
   * #BUILD_QUEUE_URL_AMD64}.
   */
  public static final String BUILD_QUEUE_URL_ARM64 = "A4C_BUILD_QUEUE_URL_ARM64";

  /** The variable naming the build queue of {@code arch}. */
  public static String buildQueueUrl(Arch arch) {
    return switch (arch) {
      case AMD64 -> BUILD_QUEUE_URL_AMD64;
      case ARM64 -> BUILD_QUEUE_URL_ARM64;
    };
  }

  /**
   * The one repository builders push to and hosts pull from: {@code host[:port]/path} (locally
   * {@code 10.250.0.1:5000/a4c-images}, in AWS the stack output {@code ImageRepositoryUri}). Images
   * are {@code <repository>:<project>_<parent>_<arch>_<change>} (see {@code
   * io.a4c.events.ImageTags}). Required on a builder; on every host that pulls from a registry that
   * needs a login.
   */
  public static final String IMAGE_REPOSITORY = "A4C_IMAGE_REPOSITORY";

  /**
   * How pushes and pulls log in to the repository's registry: {@code auto} (the default: ECR's
   * token for an ECR registry, else basic auth when {@link #REGISTRY_USERNAME} is set, else none),
   * {@code ecr}, {@code basic} or {@code none}.
   */
  public static final String REGISTRY_LOGIN = "A4C_REGISTRY_LOGIN";

  /**
   * The user of a basic-auth registry (a self-run Distribution registry with htpasswd, such as the
   * local fleet's); set with {@link #REGISTRY_PASSWORD_FILE}. Unused for ECR.
   */
  public static final String REGISTRY_USERNAME = "A4C_REGISTRY_USERNAME";

  /**
   * A file (readable by the daemon alone) whose first line is {@link #REGISTRY_USERNAME}'s
   * password, read at start-up; a file rather than a variable, so the password shows in no
   * environment listing.
   */
  public static final String REGISTRY_PASSWORD_FILE = "A4C_REGISTRY_PASSWORD_FILE";

  /** How many builds a builder runs at once (default 2). */
  public static final String BUILD_CONCURRENCY = "A4C_BUILD_CONCURRENCY";

  /**
   * CPU weight of a build's steps, in Docker's CPU shares (a workspace has 1024); default 256, so
   * under contention a build gets a quarter of a workspace's share of the CPU and running
   * workspaces stay responsive. Idle CPU is still a build's to use.
   */
  public static final String BUILD_CPU_SHARES = "A4C_BUILD_CPU_SHARES";

  /**
   * Memory ceiling of a build's steps, in MiB (swap included: a step gets no swap beyond it);
   * default 4096; 0 for none. A step that needs more is killed and its build FAILED.
   */
  public static final String BUILD_MEMORY_MB = "A4C_BUILD_MEMORY_MB";

  /**
   * Niceness of the builder's own processes on the host (the git checkout and what git starts),
   * from 0 to 19; default 10; 0 runs them at the daemon's own priority. They also get the lowest
   * best-effort I/O priority ({@code ionice -c 2 -n 7}). Needs {@code nice} (coreutils) and {@code
   * ionice} (util-linux) on the daemon's {@code PATH}; without them git runs as it is.
   */
  public static final String BUILD_NICE = "A4C_BUILD_NICE";

  /** Name or ARN of the build-claim function a builder invokes to take a build. */
  public static final String BUILD_CLAIM_FUNCTION = "A4C_BUILD_CLAIM_FUNCTION";

  /**
   * Seconds a taken job stays hidden on the build queue; a builder extends it while it works, so a
   * dead builder's job comes back within this time (default 300, the queue's own setting).
   */
  public static final String BUILD_VISIBILITY_SECONDS = "A4C_BUILD_VISIBILITY_SECONDS";

  /**
   * Seconds the engine may build one image (default and most 7200); past it the builder stops the
   * build on the engine and reports it FAILED with the reason.
   */
  public static final String BUILD_TIMEOUT_SECONDS = "A4C_BUILD_TIMEOUT_SECONDS";

  /** Optional endpoint override for Lambda (local runtime and tests only). */
  public static final String LAMBDA_ENDPOINT = "A4C_LAMBDA_ENDPOINT";

  /**
   * This host's workspace subnet, an IPv4 CIDR such as {@code 10.251.2.0/24}, unique in the fleet
   * and routed to this host by its network (see docs/deploy.md). When set, the daemon makes sure
   * the Docker bridge network {@code a4c-workspaces} has exactly this subnet (at start; it refuses
   * to start when a network of that name with another subnet is in use) and puts every workspace on
   * it, so developers reach a workspace at its own address. Unset: the engine's default bridge,
   * whose addresses only the host itself reaches.
   */
  public static final String WORKSPACE_SUBNET = "A4C_WORKSPACE_SUBNET";

  /**
   * Seconds between the idle watcher's looks at the running workspaces whose project asks for an
   * idle stop (default 60): each look checks for SSH sessions and measures CPU use since the last.
   */
  public static final String IDLE_CHECK_SECONDS = "A4C_IDLE_CHECK_SECONDS";

  /**
   * CPU use, in percent of one core averaged between two idle checks, above which a workspace
   * counts as in use even without an SSH session (default 5).
   */
  public static final String IDLE_CPU_PERCENT = "A4C_IDLE_CPU_PERCENT";

  /**
   * Docker's disk use, in percent of the filesystem under its data root, above which the image
   * collection (every {@link #RECONCILE_SECONDS}) removes builds' images in {@link
   * #IMAGE_REPOSITORY} that no container uses and that are not among the newest {@link
   * #IMAGE_KEEP_NEWEST} of their (project, parent, arch) (default 80; 0 collects on every run).
   */
  public static final String IMAGE_DISK_BUDGET_PERCENT = "A4C_IMAGE_DISK_BUDGET_PERCENT";

  /**
   * How many of the newest builds' images of each (project, parent, arch) the image collection
   * always keeps, used or not (default 3).
   */
  public static final String IMAGE_KEEP_NEWEST = "A4C_IMAGE_KEEP_NEWEST";

  /**
   * The most a workspace's writable layer (what it writes outside its home volume) may hold, in GB
   * (10^9 bytes; decimals allowed), before its host stops it with {@code stoppedReason}
   * "disk-limit" (default 50; 0 for no limit). Measured every {@link #RECONCILE_SECONDS}: the
   * engine's own per-container quota ({@code --storage-opt size}) needs a storage driver and
   * filesystem that most hosts lack (overlay2 on ext4 has none).
   */
  public static final String WORKSPACE_DISK_LIMIT_GB = "A4C_WORKSPACE_DISK_LIMIT_GB";

  /** The AWS region. */
  public static final String AWS_REGION = "AWS_REGION";

  private DaemonEnv() {}
}
