package io.a4c.events;

import java.util.Objects;

/**
 * Replace a workspace's container with one of {@code spec.imageRef()}, keeping its home volume and
 * hostname. The host pulls the image first; if that fails, the old container is left as it was and
 * reported in its state (RUNNING or STOPPED) with the reason. Then the old container goes and the
 * new one walks the create steps (REBUILDING) to RUNNING, or to FAILED with the home kept. Also how
 * a container removed outside A4C is made again. Idempotent: a container already of that image and
 * complete is only reported again.
 *
 * @param operation the record's operation number this command carries out, echoed in reports
 * @param ssh the login, keys and new host key to set the container up with; null without SSH
 */
public record RebuildWorkspace(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String userId,
    long operation,
    WorkspaceSpec spec,
    SshAccess ssh)
    implements HostCommand {
  public RebuildWorkspace {
    Versions.require("RebuildWorkspace", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Operations.require(operation);
    Objects.requireNonNull(spec, "spec");
  }

  /** A version-1 command. */
  public static RebuildWorkspace of(
      String commandId,
      String hostId,
      String workspaceId,
      String userId,
      long operation,
      WorkspaceSpec spec,
      SshAccess ssh) {
    return new RebuildWorkspace(
        Versions.CURRENT, commandId, hostId, workspaceId, userId, operation, spec, ssh);
  }

  /** The create this rebuild walks once the old container is gone. */
  public CreateWorkspace asCreate() {
    return new CreateWorkspace(version, commandId, hostId, workspaceId, userId, spec, ssh);
  }
}
