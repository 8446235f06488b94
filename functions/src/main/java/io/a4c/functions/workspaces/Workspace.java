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
 * @param ssh how the workspace is reached over SSH; null for one made without SSH access
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
    Ssh ssh) {

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

    /** This access with the host's word on its SSH server. */
    public Ssh withUnavailable(String why) {
      return new Ssh(login, hostKey, keysRevision, sentKeysRevision, why);
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
        null);
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
        ssh);
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
        ssh);
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
        ssh);
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
        ssh);
  }
}
