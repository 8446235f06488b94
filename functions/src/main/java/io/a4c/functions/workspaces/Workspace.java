package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.projects.Image;
import java.time.Instant;

/**
 * A workspace as stored. The API shows it as a {@link WorkspaceView}, without the storage fields.
 *
 * <p>Made by {@link #pending} and changed only through the withers below; the canonical constructor
 * is for the store's item mapping, so a new stored field is added here, in that mapping, and (if
 * users may see it) in the view.
 *
 * @param step the last create step the host reported
 * @param reason for FAILED: which step and why, in words the user can act on
 * @param version optimistic-locking counter; every write expects the version it read
 * @param redrives how often the sweeper re-sent its stuck command
 * @param sshKeysRevision the newest revision of the user's key set the workspace is known to have
 *     (sent with its create, or reported applied by its host); 0 when none is known
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
    long sshKeysRevision) {

  /**
   * A new workspace of {@code image}, placed on {@code hostId} at {@code at}: PENDING, version 1,
   * no container yet.
   *
   * @param name the user's label, or null
   */
  public static Workspace pending(
      String userId,
      String workspaceId,
      String name,
      Image image,
      String hostId,
      String hostname,
      Instant at) {
    return new Workspace(
        userId,
        workspaceId,
        name,
        image.projectName(),
        image.parentName(),
        image.arch(),
        image.change(),
        image.imageRef(),
        hostId,
        hostname,
        null,
        null,
        WorkspaceState.PENDING,
        null,
        null,
        1,
        at,
        at,
        0,
        0);
  }

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
        sshKeysRevision);
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
        sshKeysRevision);
  }

  /**
   * This workspace with what the host reported about its container; a null leaves that part as it
   * was. Same version: it is written together with a {@link #moved move}.
   */
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
        sshKeysRevision);
  }
}
