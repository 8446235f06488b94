package io.a4c.functions.workspaces;

import io.a4c.events.SshKeysApplied;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.sshkeys.SshKeyring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what hosts report about their workspaces ({@link WorkspaceStatus} on the host-events
 * queue, applied by {@code HostEventsConsumer}). Every state change is a conditional write through
 * {@link WorkspaceState#canMoveTo}, so a duplicate or late report never moves a record backwards:
 * it is a no-op. A DELETED report removes the record and gives back its host slot and quota unit.
 * The workspace's hostname follows ({@link WorkspaceHostnames}): published once the record has an
 * address, withdrawn before a FAILED or DELETED record is written. Idempotent; a report that could
 * not be applied, or whose DNS write failed, throws, so the queue delivers it again, and a report
 * that changes nothing publishes the hostname again: that is how a failed DNS write is retried.
 * Thread-safe.
 */
@Singleton
public final class WorkspaceReports {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceReports.class);
  private static final int WRITE_ATTEMPTS = 5;

  private final WorkspaceStore workspaces;
  private final Clock clock;
  private final AuditLog audit;
  private final WorkspaceHostnames hostnames;
  private final SshKeyring keyring;
  private final WorkspaceCommands commands;
  private final ProjectService projects;

  @Inject
  public WorkspaceReports(
      WorkspaceStore workspaces,
      Clock clock,
      AuditLog audit,
      WorkspaceHostnames hostnames,
      SshKeyring keyring,
      WorkspaceCommands commands,
      ProjectService projects) {
    this.projects = projects;
    this.workspaces = workspaces;
    this.clock = clock;
    this.audit = audit;
    this.hostnames = hostnames;
    this.keyring = keyring;
    this.commands = commands;
  }

  /**
   * Applies a host's report. A report from a host the workspace is not on (audited), about a
   * workspace that is gone, or that would not move the record forward, is dropped.
   *
   * @return whether the record changed
   * @throws IllegalStateException when the record kept changing under it (the report is retried)
   */
  public boolean apply(WorkspaceStatus status) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Optional<Workspace> stored = workspaces.get(status.userId(), status.workspaceId(), true);
      if (stored.isEmpty()) {
        log.atInfo()
            .addKeyValue("workspaceId", status.workspaceId())
            .addKeyValue("state", status.state())
            .log("report for a workspace that is gone; dropped");
        return false;
      }
      Workspace current = stored.get();
      if (!current.hostId().equals(status.hostId())) {
        rejectForeign(
            status.hostId(), status.userId(), status.workspaceId(), "WorkspaceStatus", current);
        return false;
      }
      String stale = stale(current, status);
      if (stale != null) {
        log.atInfo()
            .addKeyValue("workspaceId", status.workspaceId())
            .addKeyValue("state", status.state())
            .addKeyValue("operation", status.operation())
            .addKeyValue("recordOperation", current.life().operation())
            .log("report dropped: {}", stale);
        return false;
      }
      if (!current.state().canMoveTo(status.state(), current.step(), status.step())) {
        // A redelivered report: its DNS write may be the part that failed the first time.
        hostnames.publish(current);
        return false;
      }
      Workspace next = after(current, status, clock.instant());
      boolean leaves =
          status.state() == WorkspaceState.DELETED
              || status.state() == WorkspaceState.FAILED
              || status.state() == WorkspaceState.STOPPED;
      if (leaves) {
        // Before the record's write: once it is written, a redelivery would find nothing to do.
        hostnames.withdraw(current.withContainer(status.containerId(), status.ip()));
      }
      boolean written =
          status.state() == WorkspaceState.DELETED
              ? workspaces.removeReleasing(current)
              : workspaces.replace(current, next);
      if (written && !leaves) {
        hostnames.publish(next);
      }
      if (written) {
        log.atInfo()
            .addKeyValue("workspaceId", status.workspaceId())
            .addKeyValue("hostId", status.hostId())
            .addKeyValue("state", status.state())
            .addKeyValue("step", status.step())
            .log("workspace moved");
        if (status.hostStop()) {
          audit.record(
              Origin.host(status.hostId(), null),
              WorkspaceStatus.DISK_LIMIT.equals(status.stoppedReason())
                  ? "workspace.disk-limit-stop"
                  : "workspace.idle-stop",
              status.userId(),
              "workspace:" + status.workspaceId(),
              Map.of("hostId", status.hostId()));
        }
        if (status.state() == WorkspaceState.RUNNING
            && current.state() != WorkspaceState.RUNNING
            && next.ssh() != null
            && status.sshUnavailable() == null) {
          catchUpKeys(next);
        }
        return true;
      }
    }
    throw new IllegalStateException(
        "workspace " + status.workspaceId() + " kept changing; the report will be retried");
  }

  /**
   * Why a report must not be applied to {@code current} although its state might allow the move, or
   * null. A report of an operation older than the record's is late (a create's RUNNING arriving
   * after a stop, say); a host's own stop (idle, disk limit) counts only for a workspace RUNNING
   * since before the host decided; only such a stop moves RUNNING straight to STOPPED; a step of a
   * stop, start or rebuild only moves a record already in it. A delete's report carries no
   * operation and is never late.
   */
  private static String stale(Workspace current, WorkspaceStatus status) {
    if (status.hostStop()) {
      if (current.state() != WorkspaceState.RUNNING) {
        return "a host's own stop of a workspace that is " + current.state();
      }
      return status.at().isBefore(current.updatedAt())
          ? "a host's own stop decided before the workspace last changed"
          : null;
    }
    if (status.state() == WorkspaceState.DELETED) {
      return null;
    }
    if (status.state() != current.state()
        && (status.state() == WorkspaceState.STOPPING
            || status.state() == WorkspaceState.STARTING
            || status.state() == WorkspaceState.REBUILDING)) {
      // Only the API begins these; a host's step report arriving after the operation ended (the
      // queue does not keep order) must not begin it again.
      return "a " + status.state() + " step of an operation that is over";
    }
    if (status.operationNumber() < current.life().operation()) {
      return "a report of operation "
          + status.operationNumber()
          + ", older than the record's "
          + current.life().operation();
    }
    if (status.state() == WorkspaceState.STOPPED && current.state() == WorkspaceState.RUNNING) {
      return "a stop report for a workspace that was not asked to stop";
    }
    return null;
  }

  /** {@code current} as {@code status} leaves it, at {@code now}. */
  private Workspace after(Workspace current, WorkspaceStatus status, Instant now) {
    Workspace next =
        current
            .withContainer(status.containerId(), status.ip())
            .withSsh(sshAfter(current, status))
            .moved(status.state(), status.step(), status.reason(), now);
    var life = current.life();
    return switch (status.state()) {
      case STOPPED -> {
        // A new stop starts the expiry clock; a failed start or rebuild of a stopped workspace
        // leaves it where it was.
        boolean newStop =
            current.state() == WorkspaceState.RUNNING
                || current.state() == WorkspaceState.STOPPING
                || life.stoppedAt() == null;
        String why =
            Objects.requireNonNullElse(
                newStop ? status.stoppedReason() : life.stoppedReason(), WorkspaceStatus.USER);
        Instant since = newStop ? now : life.stoppedAt();
        Instant deleteAt = newStop ? expiry(current, since) : life.deleteAfter();
        yield next.withoutAddress().withLife(life.stopped(why, since, deleteAt));
      }
      case RUNNING -> {
        var rebuild = life.rebuild();
        if (current.state() == WorkspaceState.REBUILDING
            && rebuild != null
            && rebuild.imageRef().equals(status.imageRef())) {
          // The new container runs: the record takes its image, change and host key.
          next =
              next.onImage(rebuild.imageRef(), rebuild.change())
                  .withSsh(
                      current.ssh() == null
                          ? null
                          : current
                              .ssh()
                              .rebuilt(rebuild.hostKey(), rebuild.keysRevision())
                              .withUnavailable(status.sshUnavailable()));
        }
        if (status.keysRevision() != null && next.ssh() != null) {
          // The keys the container holds, recorded in the same write (daemons older than this
          // field report them in an SshKeysApplied of their own).
          next = next.withSsh(next.ssh().withKeysHeld(status.keysRevision()));
        }
        yield current.state() == WorkspaceState.RUNNING ? next : next.withLife(life.running(now));
      }
      case FAILED -> next.withLife(life.rebuilding(null));
      default -> next;
    };
  }

  /** When a workspace stopped at {@code since} is to be deleted; null when its project keeps it. */
  private Instant expiry(Workspace workspace, Instant since) {
    try {
      int days =
          projects
              .get(workspace.projectName())
              .config()
              .lifecycle()
              .deleteAfterStoppedDaysOrNever();
      return days == 0 ? null : since.plus(Duration.ofDays(days));
    } catch (ProblemException e) {
      return null; // its project is gone: nothing says to delete it
    }
  }

  /** The SSH access with the host's word on its SSH server, which a RUNNING report carries. */
  private static Workspace.Ssh sshAfter(Workspace current, WorkspaceStatus status) {
    if (current.ssh() == null || status.state() != WorkspaceState.RUNNING) {
      return current.ssh();
    }
    return current.ssh().withUnavailable(status.sshUnavailable());
  }

  /**
   * Records that a workspace's container holds the user's keys of the reported revision, as a
   * maximum. A report from a host the workspace is not on is dropped and audited, like a status
   * report; one about a workspace that is gone, or of a revision not newer than recorded, is a
   * no-op.
   *
   * @return whether the record changed
   */
  public boolean apply(SshKeysApplied applied) {
    Optional<Workspace> stored = workspaces.get(applied.userId(), applied.workspaceId(), true);
    if (stored.isEmpty()) {
      return false;
    }
    if (!stored.get().hostId().equals(applied.hostId())) {
      rejectForeign(
          applied.hostId(),
          applied.userId(),
          applied.workspaceId(),
          "SshKeysApplied",
          stored.get());
      return false;
    }
    Workspace.Ssh ssh = stored.get().ssh();
    if (applied.keysRevision() <= (ssh == null ? 0 : ssh.keysRevision())) {
      // Nothing to write, and no write: one would move the record's version on under the RUNNING
      // report sent just before this one (daemons older than WorkspaceStatus.keysRevision report
      // both), which the other poller may be applying, and make it read and write again. (A user
      // with no keys has revision 0, which an absent attribute already says.)
      return false;
    }
    boolean recorded =
        workspaces.recordSshKeysRevision(
            applied.userId(), applied.workspaceId(), applied.hostId(), applied.keysRevision());
    if (recorded) {
      log.atInfo()
          .addKeyValue("workspaceId", applied.workspaceId())
          .addKeyValue("keysRevision", applied.keysRevision())
          .log("ssh keys applied");
    }
    return recorded;
  }

  /**
   * Sends the user's current key set to a workspace that just became RUNNING with an older one: a
   * key put or delete that committed after its create command was made did not reach it otherwise
   * if the sync to it failed. Best effort: the report stays applied either way.
   */
  private void catchUpKeys(Workspace running) {
    try {
      keyring
          .current(running.userId())
          .filter(keys -> keys.revision() > running.sshKeysRevision())
          .ifPresent(
              keys -> {
                commands.sendSyncKeys(running, keys);
                log.atInfo()
                    .addKeyValue("workspaceId", running.workspaceId())
                    .addKeyValue("keysRevision", keys.revision())
                    .addKeyValue("hadRevision", running.sshKeysRevision())
                    .log("ssh keys sent to a workspace that came up with older ones");
              });
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("workspaceId", running.workspaceId())
          .setCause(e)
          .log("ssh keys not sent to a workspace that came up with older ones");
    }
  }

  private void rejectForeign(
      String hostId, String userId, String workspaceId, String eventType, Workspace current) {
    log.atWarn()
        .addKeyValue("workspaceId", workspaceId)
        .addKeyValue("reportingHostId", hostId)
        .addKeyValue("hostId", current.hostId())
        .log("report from a host the workspace is not on; dropped");
    audit.record(
        Origin.host(hostId, null),
        "host-event.rejected",
        userId,
        "host:" + hostId,
        Map.of(
            "eventType",
            eventType,
            "workspaceId",
            workspaceId,
            "why",
            "the workspace is placed on host " + current.hostId()));
  }
}
