package io.a4c.functions.workspaces;

import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeper's part for stopped workspaces of projects that delete them ({@code
 * lifecycle.deleteAfterStoppedDays}): a day before its {@code deleteAfter} the owner is emailed
 * once; at it, the workspace is deleted like a user's delete (home included). Never unwarned: a
 * warning sent late (no sweep ran, or the email could not be sent, while it was due) moves {@code
 * deleteAfter} to a day after it. A start in between clears both. Every write is conditional, so
 * two sweeps at once warn and delete once. Thread-safe.
 */
@Singleton
public final class WorkspaceExpiry {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceExpiry.class);

  /** How long before its deletion the owner is told. */
  static final Duration WARNING = Duration.ofDays(1);

  private static final Origin SWEEPER = Origin.system("sweeper");

  /** What one expiry sweep did. */
  public record Expired(int warned, int deleted) {}

  private final WorkspaceStore workspaces;
  private final WorkspaceDeletion deletion;
  private final WorkspaceNotifier notifier;
  private final AuditLog audit;
  private final Clock clock;

  @Inject
  public WorkspaceExpiry(
      WorkspaceStore workspaces,
      WorkspaceDeletion deletion,
      WorkspaceNotifier notifier,
      AuditLog audit,
      Clock clock) {
    this.workspaces = workspaces;
    this.deletion = deletion;
    this.notifier = notifier;
    this.audit = audit;
    this.clock = clock;
  }

  /** Warns the owners of workspaces due within a day, and deletes those due. */
  public Expired sweep() {
    Instant now = clock.instant();
    int warned = 0;
    int deleted = 0;
    for (Workspace due : workspaces.expiringBefore(now.plus(WARNING))) {
      try {
        if (due.life().expiryWarnedAt() == null) {
          // Never deleted unwarned: a warning that comes late moves the deletion a day on.
          if (warn(due, now)) {
            warned++;
          }
        } else if (!due.life().deleteAfter().isAfter(now) && expire(due)) {
          deleted++;
        }
      } catch (RuntimeException e) {
        // One workspace must not hold up the others; the next sweep tries it again.
        log.atWarn()
            .addKeyValue("workspaceId", due.workspaceId())
            .setCause(e)
            .log("expiry of a stopped workspace not done");
      }
    }
    return new Expired(warned, deleted);
  }

  private void auditExpiry(Workspace expired) {
    audit.record(
        SWEEPER,
        "workspace.expire",
        expired.userId(),
        "workspace:" + expired.workspaceId(),
        Map.of(
            "stoppedAt", String.valueOf(expired.life().stoppedAt()),
            "deleteAfter", String.valueOf(expired.life().deleteAfter())));
  }

  private boolean expire(Workspace due) {
    var current = workspaces.get(due.userId(), due.workspaceId(), true).orElse(null);
    if (current == null || !stillDue(current, clock.instant())) {
      return false;
    }
    try {
      if (!deletion.deleteIf(SWEEPER, current)) {
        return false; // it changed (started, deleted) meanwhile
      }
    } catch (ProblemException e) {
      // The record is DELETING but the command was not sent: the sweeper re-sends it and the
      // workspace goes, so the expiry is in the trail all the same; the next sweep finds it
      // DELETING, no longer due, and records nothing more.
      auditExpiry(current);
      throw e;
    }
    auditExpiry(current);
    log.atInfo()
        .addKeyValue("workspaceId", current.workspaceId())
        .log("stopped workspace expired: deleted");
    return true;
  }

  /** Marks the warning sent, then sends it; a failed send takes the mark back. */
  private boolean warn(Workspace due, Instant now) {
    var current = workspaces.get(due.userId(), due.workspaceId(), true).orElse(null);
    if (current == null
        || current.life().expiryWarnedAt() != null
        || current.life().deleteAfter() == null
        || current.state() != io.a4c.events.WorkspaceState.STOPPED) {
      return false;
    }
    var marked =
        current
            .withLife(current.life().warned(now, WARNING))
            .moved(current.state(), current.step(), current.reason(), now);
    if (!workspaces.replace(current, marked)) {
      return false;
    }
    String to = current.life().notifyEmail();
    if (to != null) {
      try {
        notifier.expiryWarning(marked, to);
      } catch (RuntimeException e) {
        workspaces.replace(
            marked,
            marked
                .withLife(current.life())
                .moved(current.state(), current.step(), current.reason(), now));
        throw e;
      }
    }
    audit.record(
        SWEEPER,
        "workspace.expiry-warning",
        current.userId(),
        "workspace:" + current.workspaceId(),
        Map.of(
            "deleteAfter",
            marked.life().deleteAfter().toString(),
            "emailed",
            Boolean.toString(to != null)));
    return true;
  }

  private static boolean stillDue(Workspace workspace, Instant now) {
    return workspace.state() == io.a4c.events.WorkspaceState.STOPPED
        && workspace.life().expiryWarnedAt() != null
        && workspace.life().deleteAfter() != null
        && !workspace.life().deleteAfter().isAfter(now);
  }
}
