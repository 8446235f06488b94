package io.a4c.functions.workspaces;

import io.a4c.events.SshKeysApplied;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import java.time.Clock;
import java.util.Map;
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

  @Inject
  public WorkspaceReports(
      WorkspaceStore workspaces, Clock clock, AuditLog audit, WorkspaceHostnames hostnames) {
    this.workspaces = workspaces;
    this.clock = clock;
    this.audit = audit;
    this.hostnames = hostnames;
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
        rejectForeign(status, current);
        return false;
      }
      if (!current.state().canMoveTo(status.state(), current.step(), status.step())) {
        // A redelivered report: its DNS write may be the part that failed the first time.
        hostnames.publish(current);
        return false;
      }
      Workspace next =
          current
              .withContainer(status.containerId(), status.ip())
              .withSsh(sshAfter(current, status))
              .moved(status.state(), status.step(), status.reason(), clock.instant());
      boolean leaves =
          status.state() == WorkspaceState.DELETED || status.state() == WorkspaceState.FAILED;
      if (leaves) {
        // Before the record's write: once it is written, a redelivery would find nothing to do.
        hostnames.withdraw(next);
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
        return true;
      }
    }
    throw new IllegalStateException(
        "workspace " + status.workspaceId() + " kept changing; the report will be retried");
  }

  /** The SSH access with the host's word on its SSH server, which a RUNNING report carries. */
  private static Workspace.Ssh sshAfter(Workspace current, WorkspaceStatus status) {
    if (current.ssh() == null || status.state() != WorkspaceState.RUNNING) {
      return current.ssh();
    }
    return current.ssh().withUnavailable(status.sshUnavailable());
  }

  /**
   * Records that a workspace's container holds the user's keys of a revision, as a maximum: a late
   * or repeated report changes nothing.
   *
   * @return whether the record changed
   */
  public boolean apply(SshKeysApplied applied) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Optional<Workspace> stored = workspaces.get(applied.userId(), applied.workspaceId(), true);
      if (stored.isEmpty()) {
        return false;
      }
      Workspace current = stored.get();
      if (!current.hostId().equals(applied.hostId())) {
        log.atWarn()
            .addKeyValue("workspaceId", applied.workspaceId())
            .addKeyValue("reportingHostId", applied.hostId())
            .log("keys report from a host the workspace is not on; dropped");
        return false;
      }
      if (current.ssh() == null || applied.keysRevision() <= current.ssh().keysRevision()) {
        return false;
      }
      if (workspaces.replace(
          current,
          current
              .withSsh(current.ssh().withKeysRevision(applied.keysRevision()))
              .moved(current.state(), current.step(), current.reason(), clock.instant()))) {
        return true;
      }
    }
    throw new IllegalStateException(
        "workspace " + applied.workspaceId() + " kept changing; the report will be retried");
  }

  private void rejectForeign(WorkspaceStatus status, Workspace current) {
    log.atWarn()
        .addKeyValue("workspaceId", status.workspaceId())
        .addKeyValue("reportingHostId", status.hostId())
        .addKeyValue("hostId", current.hostId())
        .log("report from a host the workspace is not on; dropped");
    audit.record(
        Origin.host(status.hostId(), null),
        "host-event.rejected",
        status.userId(),
        "host:" + status.hostId(),
        Map.of(
            "eventType",
            "WorkspaceStatus",
            "workspaceId",
            status.workspaceId(),
            "why",
            "the workspace is placed on host " + current.hostId()));
  }
}
