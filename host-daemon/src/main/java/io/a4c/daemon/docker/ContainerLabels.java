package io.a4c.daemon.docker;

import io.a4c.events.CreateWorkspace;
import java.util.HashMap;
import java.util.Map;

/**
 * The labels and names that mark a container as A4C's. Everything derives from the workspace id, so
 * a retry or the reconciler finds what an earlier attempt left.
 */
public final class ContainerLabels {
  public static final String MANAGED = "io.a4c.managed";
  public static final String WORKSPACE_ID = "io.a4c.workspace-id";
  public static final String USER_ID = "io.a4c.user-id";
  public static final String HOST_ID = "io.a4c.host-id";

  /** The image the container was made of, as the command named it. */
  public static final String IMAGE_REF = "io.a4c.image-ref";

  /**
   * After how many idle minutes the host stops the container; 0 for never. A label, since the
   * spec's value is fixed when the container is made, like every label.
   */
  public static final String IDLE_STOP_MINUTES = "io.a4c.idle-stop-minutes";

  /** The operation number of the command that made the container (0: its create). */
  public static final String OPERATION = "io.a4c.operation";

  /**
   * The warm pool a container (and its home volume) was made for, {@code
   * <project>#<parent>#<arch>}; absent on a workspace's own container. Such a container is labelled
   * {@link io.a4c.events.FillPool#UNCLAIMED} as its user for good (labels are fixed at create): the
   * create that claims it writes its owner into {@link #OWNER_FILE} instead.
   */
  public static final String POOL = "io.a4c.pool";

  /** The file in a claimed warm pool member that names its owner's user id. */
  public static final String OWNER_FILE = "/etc/a4c/owner";

  /** Where a workspace's home volume is mounted in its container. */
  public static final String HOME = "/home";

  private ContainerLabels() {}

  /** The container name of a workspace. */
  public static String containerName(String workspaceId) {
    return "a4c-" + workspaceId;
  }

  /**
   * The name of a workspace's home volume. It outlives the container: stops, starts and rebuilds
   * keep it; only a delete without {@code keepHome} removes it.
   */
  public static String homeVolume(String workspaceId) {
    return "a4c-home-" + workspaceId;
  }

  /**
   * The labels of a workspace's home volume (and the common ones of its container); every value has
   * passed the contracts' name rules.
   */
  public static Map<String, String> of(String workspaceId, String userId, String hostId) {
    return Map.of(MANAGED, "true", WORKSPACE_ID, workspaceId, USER_ID, userId, HOST_ID, hostId);
  }

  /**
   * The labels of the container {@code command} makes for operation {@code operation}: the common
   * ones, its image, idle stop and operation, and {@code pool} for a warm pool member (null: a
   * workspace's own container).
   */
  public static Map<String, String> ofContainer(
      CreateWorkspace command, long operation, String pool) {
    var labels = new HashMap<>(of(command.workspaceId(), command.userId(), command.hostId()));
    if (pool != null) {
      labels.put(POOL, pool);
    }
    labels.put(IMAGE_REF, command.spec().imageRef());
    labels.put(OPERATION, Long.toString(operation));
    labels.put(IDLE_STOP_MINUTES, Integer.toString(command.spec().idleStopAfterMinutes()));
    return Map.copyOf(labels);
  }

  /** A container's idle stop in minutes from its labels; 0 (never) when unlabelled or malformed. */
  public static int idleStopMinutes(Map<String, String> labels) {
    String value = labels == null ? null : labels.get(IDLE_STOP_MINUTES);
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
