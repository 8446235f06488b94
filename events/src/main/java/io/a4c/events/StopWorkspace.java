package io.a4c.events;

/**
 * Stop a workspace's container, keeping it and its home volume, and drop its hostname entry; the
 * host reports STOPPED at {@link WorkspaceStep#CONTAINER_STOPPED}. Idempotent: a stopped container
 * is only reported again.
 *
 * @param operation the record's operation number this command carries out; the host echoes it in
 *     its reports so a late report of an earlier operation is told apart
 */
public record StopWorkspace(
    int version, String commandId, String hostId, String workspaceId, String userId, long operation)
    implements HostCommand {
  public StopWorkspace {
    Versions.require("StopWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Operations.require(operation);
  }

  /** A version-1 command. */
  public static StopWorkspace of(
      String commandId, String hostId, String workspaceId, String userId, long operation) {
    return new StopWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId, operation);
  }
}
