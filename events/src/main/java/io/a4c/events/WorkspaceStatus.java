package io.a4c.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A host's report that a workspace reached a state or completed a step. Applied with a conditional
 * write, so duplicates and late arrivals are no-ops.
 *
 * @param containerId the container, once created
 * @param ip the container's address, once known
 * @param reason why, for FAILED: which step and what went wrong, in words a user can act on
 * @param sshUnavailable for RUNNING: why the workspace has no SSH server (its image has none), in
 *     words a user can act on; null when it has one or the command asked for no SSH
 */
public record WorkspaceStatus(
    int version,
    String hostId,
    String workspaceId,
    String userId,
    WorkspaceState state,
    WorkspaceStep step,
    String containerId,
    String ip,
    String reason,
    Instant at,
    String sshUnavailable)
    implements HostEvent {
  public WorkspaceStatus {
    Versions.require("WorkspaceStatus", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(at, "at");
  }

  /** A version-1 status report. */
  public static WorkspaceStatus of(
      String hostId,
      String workspaceId,
      String userId,
      WorkspaceState state,
      WorkspaceStep step,
      String containerId,
      String ip,
      String reason,
      Instant at) {
    return new WorkspaceStatus(
        Versions.CURRENT,
        hostId,
        workspaceId,
        userId,
        state,
        step,
        containerId,
        ip,
        reason,
        at,
        null);
  }

  /** This report saying why the workspace has no SSH server. */
  public WorkspaceStatus withSshUnavailable(String why) {
    return new WorkspaceStatus(
        version, hostId, workspaceId, userId, state, step, containerId, ip, reason, at, why);
  }
}
