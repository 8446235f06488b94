package io.a4c.daemon.docker;

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

  private ContainerLabels() {}

  /** The container name of a workspace. */
  public static String containerName(String workspaceId) {
    return "a4c-" + workspaceId;
  }

  /** The labels of a workspace's container; every value has passed the contracts' name rules. */
  public static Map<String, String> of(String workspaceId, String userId, String hostId) {
    return Map.of(MANAGED, "true", WORKSPACE_ID, workspaceId, USER_ID, userId, HOST_ID, hostId);
  }
}
