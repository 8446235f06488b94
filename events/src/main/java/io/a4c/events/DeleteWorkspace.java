package io.a4c.events;

/** Remove a workspace's container and hostname entry. Idempotent: nothing there is success. */
public record DeleteWorkspace(
    int version, String commandId, String hostId, String workspaceId, String userId)
    implements HostCommand {
  public DeleteWorkspace {
    Versions.require("DeleteWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
  }

  /** A version-1 command. */
  public static DeleteWorkspace of(
      String commandId, String hostId, String workspaceId, String userId) {
    return new DeleteWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId);
  }
}
