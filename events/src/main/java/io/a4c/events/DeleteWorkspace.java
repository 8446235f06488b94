package io.a4c.events;

/**
 * Remove a workspace's container, hostname entry and home volume. Idempotent: nothing there is
 * success.
 *
 * @param keepHome true to keep the home volume: the container of a FAILED workspace goes, but its
 *     home stays for a rebuild; null or false removes it
 */
public record DeleteWorkspace(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String userId,
    Boolean keepHome)
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
    return new DeleteWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId, null);
  }

  /** A version-1 command that removes the container and entry but keeps the home volume. */
  public static DeleteWorkspace keepingHome(
      String commandId, String hostId, String workspaceId, String userId) {
    return new DeleteWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId, true);
  }

  /** Whether the home volume stays. */
  public boolean keepsHome() {
    return Boolean.TRUE.equals(keepHome);
  }
}
