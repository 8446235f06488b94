package io.a4c.events;

/**
 * Start a stopped workspace's container again: start, address, sshd, hostname entry, reported as
 * STARTING steps then RUNNING. The container and its home are the ones the workspace had; a host
 * that no longer has the container reports STOPPED with the reason (a rebuild makes a new one).
 * Idempotent: a running container is only reported again.
 *
 * @param operation the record's operation number this command carries out, echoed in reports
 */
public record StartWorkspace(
    int version, String commandId, String hostId, String workspaceId, String userId, long operation)
    implements HostCommand {
  public StartWorkspace {
    Versions.require("StartWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Operations.require(operation);
  }

  /** A version-1 command. */
  public static StartWorkspace of(
      String commandId, String hostId, String workspaceId, String userId, long operation) {
    return new StartWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId, operation);
  }
}
