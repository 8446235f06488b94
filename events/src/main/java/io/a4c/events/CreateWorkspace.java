package io.a4c.events;

import java.util.Objects;

/**
 * Create a workspace's container on the host and walk it to RUNNING. Idempotent on the host: the
 * container's name derives from the workspace id, so a redelivery finds what an earlier attempt
 * left.
 *
 * @param ssh the login, keys and host key to set the container up with; null for a container
 *     without SSH (a command from before SSH access existed)
 */
public record CreateWorkspace(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String userId,
    WorkspaceSpec spec,
    SshAccess ssh)
    implements HostCommand {
  public CreateWorkspace {
    Versions.require("CreateWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Objects.requireNonNull(spec, "spec");
  }

  /** A version-1 command without SSH access. */
  public static CreateWorkspace of(
      String commandId, String hostId, String workspaceId, String userId, WorkspaceSpec spec) {
    return new CreateWorkspace(
        Versions.CURRENT, commandId, hostId, workspaceId, userId, spec, null);
  }

  /** This command with the container set up for SSH as {@code access} says. */
  public CreateWorkspace withSsh(SshAccess access) {
    return new CreateWorkspace(version, commandId, hostId, workspaceId, userId, spec, access);
  }
}
