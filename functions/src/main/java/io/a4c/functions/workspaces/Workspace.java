package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import java.time.Instant;

/**
 * A workspace as stored and as the API returns it.
 *
 * @param step the last create step the host reported
 * @param reason for FAILED: which step and why, in words the user can act on
 * @param version optimistic-locking counter; every write expects the version it read
 * @param redrives how often the sweeper re-sent its stuck command
 * @param hostReachable whether its host is heartbeating (false when DOWN); derived on read, not
 *     stored; null when not looked up
 */
public record Workspace(
    String userId,
    String workspaceId,
    String name,
    String projectName,
    String parentName,
    Arch arch,
    String change,
    String imageRef,
    String hostId,
    String hostname,
    String containerId,
    String ip,
    WorkspaceState state,
    WorkspaceStep step,
    String reason,
    long version,
    Instant createdAt,
    Instant updatedAt,
    int redrives,
    Boolean hostReachable) {

  /** This workspace moved to {@code state} at {@code at}, one version on. */
  public Workspace moved(WorkspaceState state, WorkspaceStep step, String reason, Instant at) {
    return new Workspace(
        userId,
        workspaceId,
        name,
        projectName,
        parentName,
        arch,
        change,
        imageRef,
        hostId,
        hostname,
        containerId,
        ip,
        state,
        step,
        reason,
        version + 1,
        createdAt,
        at,
        redrives,
        hostReachable);
  }

  /**
   * This workspace at a new address (its container got another one) at {@code at}, one version on.
   */
  public Workspace readdressed(String ip, Instant at) {
    return withContainer(null, ip).moved(state, step, reason, at);
  }

  /** This workspace re-driven by the sweeper at {@code at}, one version on. */
  public Workspace redriven(Instant at) {
    return new Workspace(
        userId,
        workspaceId,
        name,
        projectName,
        parentName,
        arch,
        change,
        imageRef,
        hostId,
        hostname,
        containerId,
        ip,
        state,
        step,
        reason,
        version + 1,
        createdAt,
        at,
        redrives + 1,
        hostReachable);
  }

  /** This workspace as seen with its host's reachability. */
  public Workspace withHostReachable(Boolean reachable) {
    return new Workspace(
        userId,
        workspaceId,
        name,
        projectName,
        parentName,
        arch,
        change,
        imageRef,
        hostId,
        hostname,
        containerId,
        ip,
        state,
        step,
        reason,
        version,
        createdAt,
        updatedAt,
        redrives,
        reachable);
  }

  /** This workspace with what the host reported about its container. */
  public Workspace withContainer(String containerId, String ip) {
    return new Workspace(
        userId,
        workspaceId,
        name,
        projectName,
        parentName,
        arch,
        change,
        imageRef,
        hostId,
        hostname,
        containerId == null ? this.containerId : containerId,
        ip == null ? this.ip : ip,
        state,
        step,
        reason,
        version,
        createdAt,
        updatedAt,
        redrives,
        hostReachable);
  }
}
