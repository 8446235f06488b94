package io.a4c.events;

import java.util.Objects;

/**
 * Create a workspace's container on the host and walk it to RUNNING. Idempotent on the host: the
 * container's name derives from the workspace id, so a redelivery finds what an earlier attempt
 * left.
 */
public record CreateWorkspace(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String userId,
    WorkspaceSpec spec)
    implements HostCommand {
  public CreateWorkspace {
    Versions.require("CreateWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Objects.requireNonNull(spec, "spec");
  }

  /** A version-1 command. */
  public static CreateWorkspace of(
      String commandId, String hostId, String workspaceId, String userId, WorkspaceSpec spec) {
    return new CreateWorkspace(Versions.CURRENT, commandId, hostId, workspaceId, userId, spec);
  }
}
