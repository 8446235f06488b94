package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.sshca.SshCertificateAuthority;
import java.time.Instant;
import java.util.List;

/**
 * A workspace as the API shows it ({@code Workspace} in {@code docs/openapi.yaml}): the stored
 * record without what only storage needs (its version, its re-drive count), with its host's
 * reachability looked up on read.
 *
 * @param hostReachable whether its host is heartbeating (false when DOWN); null when not looked up
 *     or the host is unknown
 * @param unreachable while its host is DOWN: what that means for the workspace and what its owner
 *     can do, in words; else null
 * @param ssh how to connect, once RUNNING with an SSH server; else null
 * @param sshUnavailable why a RUNNING workspace has no SSH server; else null
 * @param stoppedReason while STOPPED: "user" (asked for), "idle" or "disk-limit" (stopped by its
 *     host)
 * @param stoppedAt while STOPPED: since when
 * @param deleteAfter while STOPPED, when its project deletes stopped workspaces: when it will be
 * @param lastActiveAt when its host last saw it in use (an SSH session, or CPU above the idle
 *     threshold), or when it last started; null before
 */
public record WorkspaceView(
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
    Instant createdAt,
    Instant updatedAt,
    Boolean hostReachable,
    String unreachable,
    SshView ssh,
    String sshUnavailable,
    String stoppedReason,
    Instant stoppedAt,
    Instant deleteAfter,
    Instant lastActiveAt) {

  /** Port 22: every workspace's sshd listens there, on the workspace's own address. */
  static final int SSH_PORT = 22;

  /** What a workspace made without SSH access (before it existed, or with no CA) says. */
  static final String NO_SSH_ACCESS =
      "this workspace was made without SSH access (no SSH certificate authority was configured)";

  /**
   * How to reach a workspace over SSH: {@code ssh -p <port> <user>@<host>}.
   *
   * @param hostKeyFingerprints SHA256 fingerprints of its host keys, as {@code ssh-keygen -l}
   *     prints them; the host key is also certified by the CA of {@code GET /v1/ssh/known-hosts}
   */
  public record SshView(String host, int port, String user, List<String> hostKeyFingerprints) {}

  /** The view of {@code w}, its host's reachability as given (not DOWN, or not looked up). */
  public static WorkspaceView of(Workspace w, Boolean hostReachable) {
    return of(w, hostReachable, null);
  }

  /**
   * The view of {@code w} on a host that is reachable or not as given, and silent since {@code
   * hostSilentSince} when it is DOWN (null when it is not, or never beat).
   */
  static WorkspaceView of(Workspace w, Boolean hostReachable, Instant hostSilentSince) {
    return new WorkspaceView(
        w.userId(),
        w.workspaceId(),
        w.name(),
        w.projectName(),
        w.parentName(),
        w.arch(),
        w.change(),
        w.imageRef(),
        w.hostId(),
        w.hostname(),
        w.containerId(),
        w.ip(),
        w.state(),
        w.step(),
        w.reason(),
        w.createdAt(),
        w.updatedAt(),
        hostReachable,
        Boolean.FALSE.equals(hostReachable) ? unreachable(w, hostSilentSince) : null,
        sshOf(w),
        sshUnavailableOf(w),
        w.life().stoppedReason(),
        w.life().stoppedAt(),
        w.life().deleteAfter(),
        w.life().lastActiveAt());
  }

  /** What a workspace on a DOWN host tells its owner. */
  private static String unreachable(Workspace w, Instant hostSilentSince) {
    return "its host "
        + w.hostId()
        + " has sent no heartbeat"
        + (hostSilentSince == null ? "" : " since " + hostSilentSince)
        + ", so this workspace cannot be reached, stopped, started or rebuilt until the host is"
        + " back (then its state is confirmed by the host's inventory). Delete it to free its"
        + " place at once; its container and home are removed if the host returns";
  }

  private static SshView sshOf(Workspace w) {
    if (w.state() != WorkspaceState.RUNNING || w.ssh() == null || w.ssh().unavailable() != null) {
      return null;
    }
    return new SshView(
        w.hostname(),
        SSH_PORT,
        w.ssh().login(),
        List.of(SshCertificateAuthority.fingerprintOfLine(w.ssh().hostKey())));
  }

  private static String sshUnavailableOf(Workspace w) {
    if (w.state() != WorkspaceState.RUNNING) {
      return null;
    }
    return w.ssh() == null ? NO_SSH_ACCESS : w.ssh().unavailable();
  }
}
