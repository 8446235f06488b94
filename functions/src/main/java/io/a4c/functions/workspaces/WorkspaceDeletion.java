package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.time.Clock;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes workspaces ({@code DELETE .../workspaces/{workspaceId}}): marks the record DELETING and
 * asks its host to remove it; the host's DELETED report then removes the record ({@link
 * WorkspaceReports}). An admin's forced delete removes the record at once. Both are audited.
 * Idempotent: deleting a workspace already DELETING sends the command again. Thread-safe.
 */
@Singleton
public final class WorkspaceDeletion {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceDeletion.class);
  private static final int WRITE_ATTEMPTS = 5;

  private final WorkspaceStore workspaces;
  private final WorkspaceCommands commands;
  private final Clock clock;
  private final AuditLog audit;
  private final WorkspaceHostnames hostnames;
  private final HostDirectory directory;

  @Inject
  public WorkspaceDeletion(
      WorkspaceStore workspaces,
      WorkspaceCommands commands,
      Clock clock,
      AuditLog audit,
      WorkspaceHostnames hostnames,
      HostDirectory directory) {
    this.directory = directory;
    this.workspaces = workspaces;
    this.commands = commands;
    this.clock = clock;
    this.audit = audit;
    this.hostnames = hostnames;
  }

  /**
   * Marks the workspace DELETING, whatever state it is in, and asks its host to remove it (the host
   * treats a missing container as done). On a DOWN host, which cannot answer, the record, its slot
   * and its quota unit go at once (its hostname first), as an admin's forced delete does: the
   * host's reconciler removes the container and home if the host ever returns, since they no longer
   * have a record.
   *
   * @return the workspace as now stored (DELETING), or as it was when it went (on a DOWN host)
   * @throws WorkspaceNotFoundException 404 when the user has none of that id
   * @throws ProblemException 503 when the command cannot be sent (the record stays DELETING and the
   *     sweeper sends it again); 409 when the record kept changing under it
   */
  public WorkspaceView delete(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current =
          workspaces
              .get(userId, workspaceId, true)
              .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
      Workspace deleting = current;
      if (Boolean.FALSE.equals(directory.reachable(current.hostId()))) {
        if (removeOnLostHost(origin, current)) {
          return WorkspaceView.of(
              current.moved(WorkspaceState.DELETING, current.step(), null, clock.instant()),
              false,
              directory.silentSince(current.hostId()));
        }
        continue;
      }
      if (current.state() != WorkspaceState.DELETING) {
        deleting = current.moved(WorkspaceState.DELETING, current.step(), null, clock.instant());
        if (!workspaces.replace(current, deleting)) {
          continue;
        }
      }
      // Audited once the record says DELETING, before the send: a send that fails (a 503) still
      // leaves the delete to happen, re-sent by the sweeper, and it must not go unrecorded.
      audit.record(
          origin,
          "workspace.delete",
          userId,
          "workspace:" + workspaceId,
          Map.of("hostId", current.hostId()));
      commands.sendDelete(current);
      log.atInfo()
          .addKeyValue("workspaceId", workspaceId)
          .addKeyValue("hostId", current.hostId())
          .log("delete requested");
      return WorkspaceView.of(deleting, null);
    }
    throw new ProblemException(ProblemType.CONFLICT, "the workspace is changing; try again");
  }

  /** Removes a workspace of a DOWN host at once; false when the record changed meanwhile. */
  private boolean removeOnLostHost(Origin origin, Workspace current) {
    // Before the record goes: a retry of a failed DNS delete needs the record's address.
    hostnames.withdraw(current);
    if (!workspaces.removeReleasing(current)) {
      return false;
    }
    log.atInfo()
        .addKeyValue("workspaceId", current.workspaceId())
        .addKeyValue("hostId", current.hostId())
        .log("workspace of a DOWN host deleted at once");
    audit.record(
        origin,
        "workspace.delete",
        current.userId(),
        "workspace:" + current.workspaceId(),
        Map.of("hostId", current.hostId(), "hostDown", "true"));
    return true;
  }

  /**
   * Marks {@code expected} DELETING and asks its host to remove it, only if the record is still at
   * {@code expected}'s version (the expiry sweep decided on it; a start since must win). Audited.
   *
   * @return whether it was marked
   * @throws ProblemException 503 when the command cannot be sent (the record stays DELETING and the
   *     sweeper sends it again)
   */
  public boolean deleteIf(Origin origin, Workspace expected) {
    Workspace deleting =
        expected.moved(WorkspaceState.DELETING, expected.step(), null, clock.instant());
    if (!workspaces.replace(expected, deleting)) {
      return false;
    }
    // Before the send: the record says DELETING, so the delete happens even if the send fails.
    audit.record(
        origin,
        "workspace.delete",
        expected.userId(),
        "workspace:" + expected.workspaceId(),
        Map.of("hostId", expected.hostId()));
    commands.sendDelete(expected);
    return true;
  }

  /**
   * Removes the record at once and frees its host slot and quota unit, whatever state it is in
   * (admins only, for a host that will not come back). A container left on the host is removed by
   * that host's reconciler when it returns, since it no longer has a record. Its hostname stops
   * resolving first.
   *
   * @throws WorkspaceNotFoundException 404 when the user has none of that id
   */
  public void forceDelete(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current =
          workspaces
              .get(userId, workspaceId, true)
              .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
      // Before the record goes: a retry of a failed DNS delete needs the record's address.
      hostnames.withdraw(current);
      if (workspaces.removeReleasing(current)) {
        log.atWarn()
            .addKeyValue("workspaceId", workspaceId)
            .addKeyValue("hostId", current.hostId())
            .log("workspace force-deleted");
        audit.record(
            origin,
            "workspace.force-delete",
            userId,
            "workspace:" + workspaceId,
            Map.of("hostId", current.hostId()));
        return;
      }
    }
    throw new ProblemException(ProblemType.CONFLICT, "the workspace is changing; try again");
  }
}
