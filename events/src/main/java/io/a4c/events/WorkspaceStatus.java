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
 * @param operation the operation number of the command reported on (0 or null for a create); null
 *     with {@code stoppedReason} "idle" or "disk-limit" for a stop the host decided on its own
 * @param imageRef for RUNNING and STOPPED: the image the container runs, so a rebuild that could
 *     not pull its image is told apart from one that finished; null from older daemons
 * @param stoppedReason for STOPPED: "user" for a requested stop, "idle" for the host's idle stop,
 *     "disk-limit" for the host's stop of a workspace over its disk limit
 * @param keysRevision for RUNNING: the revision of the user's SSH keys the container holds,
 *     recorded in the same write as the state (a separate {@link SshKeysApplied} beside it would
 *     move the record under it); null when the command wrote no keys, and from daemons older than
 *     it, which send an {@link SshKeysApplied} instead
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
    String sshUnavailable,
    Long operation,
    String imageRef,
    String stoppedReason,
    Long keysRevision)
    implements HostEvent {
  /** The stop reason of a stop the host decided because the workspace was idle. */
  public static final String IDLE = "idle";

  /**
   * The stop reason of a stop the host decided because the workspace's writable layer outgrew the
   * host's per-workspace limit.
   */
  public static final String DISK_LIMIT = "disk-limit";

  /** The stop reason of a stop a user (or the API) asked for. */
  public static final String USER = "user";

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
        null,
        null,
        null,
        null,
        null);
  }

  /** This report saying why the workspace has no SSH server. */
  public WorkspaceStatus withSshUnavailable(String why) {
    return new WorkspaceStatus(
        version,
        hostId,
        workspaceId,
        userId,
        state,
        step,
        containerId,
        ip,
        reason,
        at,
        why,
        operation,
        imageRef,
        stoppedReason,
        keysRevision);
  }

  /**
   * This report about operation {@code number} (null: a create's, or a host's own), its container
   * running {@code image}.
   */
  public WorkspaceStatus forOperation(Long number, String image) {
    return new WorkspaceStatus(
        version,
        hostId,
        workspaceId,
        userId,
        state,
        step,
        containerId,
        ip,
        reason,
        at,
        sshUnavailable,
        number,
        image,
        stoppedReason,
        keysRevision);
  }

  /**
   * This STOPPED report with why it stopped ({@link #USER}, {@link #IDLE}, {@link #DISK_LIMIT}).
   */
  public WorkspaceStatus stoppedBecause(String why) {
    return new WorkspaceStatus(
        version,
        hostId,
        workspaceId,
        userId,
        state,
        step,
        containerId,
        ip,
        reason,
        at,
        sshUnavailable,
        operation,
        imageRef,
        why,
        keysRevision);
  }

  /** This RUNNING report saying the container holds the user's keys of {@code revision}. */
  public WorkspaceStatus withKeysRevision(long revision) {
    return new WorkspaceStatus(
        version,
        hostId,
        workspaceId,
        userId,
        state,
        step,
        containerId,
        ip,
        reason,
        at,
        sshUnavailable,
        operation,
        imageRef,
        stoppedReason,
        revision);
  }

  /** The operation number reported on: 0 for a create (and reports from older daemons). */
  public long operationNumber() {
    return operation == null ? 0 : operation;
  }

  /**
   * Whether this is a stop the host decided on its own, answering no command: of an idle workspace
   * ({@link #IDLE}) or of one over its disk limit ({@link #DISK_LIMIT}).
   */
  public boolean hostStop() {
    return state == WorkspaceState.STOPPED
        && (IDLE.equals(stoppedReason) || DISK_LIMIT.equals(stoppedReason))
        && operation == null;
  }
}
