package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.projects.Image;
import java.time.Instant;
import java.util.Objects;

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
 * @param ssh how the workspace is reached over SSH; null for one made without SSH access
 * @param life where it is in its lifecycle: operation number, host slot, stop and rebuild details
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
    Ssh ssh,
    Lifecycle life) {

  public Workspace {
    life = life == null ? Lifecycle.created(null) : life;
  }

  /**
   * A workspace's lifecycle as stored.
   *
   * @param operation the number of its latest stop, start or rebuild (0: none since create); hosts
   *     echo it, and a report of an older one changes nothing
   * @param slotHeld whether it holds a slot of its host's counter: every state but STOPPED does
   * @param stoppedReason while STOPPED: "user", "idle" or "disk-limit"
   * @param stoppedAt while STOPPED: since when
   * @param deleteAfter while STOPPED, for a project that deletes stopped workspaces: when
   * @param expiryWarnedAt when the user was told it will be deleted; null before
   * @param expiryWarningClaimedAt when a sweep claimed the sending of that warning; null when none
   *     holds it (see {@link WorkspaceExpiry})
   * @param lastActiveAt when its host last saw it in use, or when it last started
   * @param rebuild while REBUILDING: what it is being rebuilt onto
   * @param notifyEmail where its owner is emailed (expiry warnings); null for nowhere
   */
  public record Lifecycle(
      long operation,
      boolean slotHeld,
      String stoppedReason,
      Instant stoppedAt,
      Instant deleteAfter,
      Instant expiryWarnedAt,
      Instant expiryWarningClaimedAt,
      Instant lastActiveAt,
      Rebuild rebuild,
      String notifyEmail) {
    /** A new workspace's: no operation yet, a slot held. */
    public static Lifecycle created(String notifyEmail) {
      return new Lifecycle(0, true, null, null, null, null, null, null, null, notifyEmail);
    }

    /** This lifecycle with the next operation begun, holding a slot as {@code slot} says. */
    Lifecycle begun(boolean slot) {
      return new Lifecycle(
          operation + 1,
          slot,
          stoppedReason,
          stoppedAt,
          deleteAfter,
          expiryWarnedAt,
          expiryWarningClaimedAt,
          lastActiveAt,
          null,
          notifyEmail);
    }

    /** This lifecycle rebuilding onto {@code target}. */
    Lifecycle rebuilding(Rebuild target) {
      return new Lifecycle(
          operation,
          slotHeld,
          stoppedReason,
          stoppedAt,
          deleteAfter,
          expiryWarnedAt,
          expiryWarningClaimedAt,
          lastActiveAt,
          target,
          notifyEmail);
    }

    /**
     * Stopped {@code why} at {@code at}, to be deleted at {@code deleteAt} (null: never); a new
     * stop forgets an earlier expiry warning (and a claim on sending it), an unchanged one (a
     * failed start) keeps them.
     */
    Lifecycle stopped(String why, Instant at, Instant deleteAt) {
      boolean same = at.equals(stoppedAt) && Objects.equals(deleteAt, deleteAfter);
      return new Lifecycle(
          operation,
          false,
          why,
          at,
          deleteAt,
          same ? expiryWarnedAt : null,
          same ? expiryWarningClaimedAt : null,
          lastActiveAt,
          null,
          notifyEmail);
    }

    /** Running again since {@code at}: no stop details, no rebuild. */
    Lifecycle running(Instant at) {
      return new Lifecycle(
          operation, slotHeld, null, null, null, null, null, at, null, notifyEmail);
    }

    /** This lifecycle with the expiry warning's sending claimed at {@code at} (null: by nobody). */
    Lifecycle warningClaimed(Instant at) {
      return new Lifecycle(
          operation,
          slotHeld,
          stoppedReason,
          stoppedAt,
          deleteAfter,
          expiryWarnedAt,
          at,
          lastActiveAt,
          rebuild,
          notifyEmail);
    }

    /**
     * Its owner told at {@code at} that it will be deleted, no sooner than {@code notice} later: a
     * warning sent late (the sweeper or email was down while it was due) moves the deletion on.
     */
    Lifecycle warned(Instant at, java.time.Duration notice) {
      Instant earliest = at.plus(notice);
      return new Lifecycle(
          operation,
          slotHeld,
          stoppedReason,
          stoppedAt,
          deleteAfter == null || deleteAfter.isBefore(earliest) ? earliest : deleteAfter,
          at,
          null,
          lastActiveAt,
          rebuild,
          notifyEmail);
    }
  }

  /**
   * The image a rebuild replaces the container with, and the SSH host key its command carried.
   *
   * @param hostKey the new container's host public key (null without SSH)
   * @param keysRevision the revision of the keys the rebuild command carried
   */
  public record Rebuild(String imageRef, String change, String hostKey, long keysRevision) {}

  /**
   * A workspace's SSH access as stored.
   *
   * @param login the user's login in it
   * @param hostKey its host's public key, one OpenSSH line; the view shows its fingerprint
   * @param keysRevision the revision of the user's keys its container holds, as its host reported
   *     (0 before the first report)
   * @param sentKeysRevision the revision of the keys the create command carried
   * @param unavailable why it has no SSH server, as its host reported; null when it has one
   */
  public record Ssh(
      String login, String hostKey, long keysRevision, long sentKeysRevision, String unavailable) {
    /** Access set up at create with the keys of {@code revision}. */
    public static Ssh created(String login, String hostKey, long revision) {
      return new Ssh(login, hostKey, 0, revision, null);
    }

    /** The access of a container a rebuild made, with {@code hostKey}, holding {@code revision}. */
    public Ssh rebuilt(String hostKey, long revision) {
      return new Ssh(login, hostKey, 0, revision, null);
    }

    /** This access with the host's word on its SSH server. */
    public Ssh withUnavailable(String why) {
      return new Ssh(login, hostKey, keysRevision, sentKeysRevision, why);
    }

    /** This access with its container known to hold the keys of {@code revision}, as a maximum. */
    public Ssh withKeysHeld(long revision) {
      return revision <= keysRevision
          ? this
          : new Ssh(login, hostKey, revision, sentKeysRevision, unavailable);
    }
  }

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
        null,
        Lifecycle.created(null));
  }

  /**
   * The newest revision of the user's key set this workspace is known to have: sent with its
   * create, or reported applied by its host; 0 without SSH access.
   */
  public long sshKeysRevision() {
    return ssh == null ? 0 : Math.max(ssh.keysRevision(), ssh.sentKeysRevision());
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
        ssh,
        life);
  }

  /**
   * This workspace with a new operation begun in {@code state} at {@code at}, one version on: the
   * next operation number, no step or reason yet, its re-drives counted afresh.
   *
   * @param slot whether it holds a host slot during (and after) the operation
   */
  public Workspace begun(WorkspaceState state, boolean slot, Instant at) {
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
        null,
        null,
        version + 1,
        createdAt,
        at,
        0,
        ssh,
        life.begun(slot));
  }

  /**
   * This workspace at a new address (its container got another one) at {@code at}, one version on.
   */
  public Workspace readdressed(String ip, Instant at) {
    return withContainer(null, ip).moved(state, step, reason, at);
  }

  /**
   * This re-driven workspace with its last re-drive taken off the count (its command could not be
   * sent, so no attempt was made), one version on.
   */
  public Workspace redriveUnsent() {
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
        updatedAt,
        Math.max(0, redrives - 1),
        ssh,
        life);
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
        ssh,
        life);
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
        ssh,
        life);
  }

  /** This workspace without an address (its container stopped). Same version. */
  public Workspace withoutAddress() {
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
        null,
        state,
        step,
        reason,
        version,
        createdAt,
        updatedAt,
        redrives,
        ssh,
        life);
  }

  /** This workspace of {@code imageRef} at {@code change} (a rebuild finished). Same version. */
  public Workspace onImage(String imageRef, String change) {
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
        ssh,
        life);
  }

  /**
   * This workspace with {@code ssh} as its SSH access. Same version: it is written together with a
   * {@link #moved move}, or at insert.
   */
  public Workspace withSsh(Ssh ssh) {
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
        ssh,
        life);
  }

  /**
   * This workspace with {@code life} as its lifecycle. Same version: it is written together with a
   * {@link #moved move}, or at insert.
   */
  public Workspace withLife(Lifecycle life) {
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
        ssh,
        life);
  }
}
