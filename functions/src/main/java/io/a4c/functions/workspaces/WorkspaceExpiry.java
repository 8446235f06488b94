package io.a4c.functions.workspaces;

import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.logging.SweepFailures;
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
 * once; at it, the workspace is deleted like a user's delete (home included). Never unwarned: the
 * warning is marked given only once its email went, and a warning sent late (no sweep ran, or the
 * email could not be sent, while it was due) moves {@code deleteAfter} to a day after it. A start
 * in between clears both. Every write is conditional, and a warning's sending is claimed first
 * ({@code expiryWarningClaimedAt}), so two sweeps at once warn and delete once. Thread-safe.
 */
@Singleton
public final class WorkspaceExpiry {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceExpiry.class);

  /** How long before its deletion the owner is told. */
  static final Duration WARNING = Duration.ofDays(1);

  /**
   * How long a sweep's claim on sending a warning keeps other sweeps off it: longer than a sweep
   * runs (the sweeper function's timeout is 60 s), so a claim this old is a dead sweep's.
   */
  static final Duration WARNING_CLAIM = Duration.ofMinutes(2);

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

  /**
   * Warns the owners of workspaces due within a day, and deletes those due. One workspace that
   * cannot be warned or deleted (SES refuses the email, its host's queue the delete, DynamoDB a
   * write) is logged and passed over, and the next sweep tries it again; once the others had their
   * turn this sweep throws the first failure, so that it counts as a sweep error as the other
   * parts' failures do (see {@link SweepFailures}).
   */
  public Expired sweep() {
    Instant now = clock.instant();
    int warned = 0;
    int deleted = 0;
    var failures = new SweepFailures("workspace expiry");
    for (Workspace due : workspaces.expiringBefore(now.plus(WARNING))) {
      switch (failures.run(due.workspaceId(), () -> sweepOne(due, now), Outcome.NONE)) {
        case WARNED -> warned++;
        case DELETED -> deleted++;
        case NONE -> {}
      }
    }
    failures.rethrow();
    return new Expired(warned, deleted);
  }

  private enum Outcome {
    WARNED,
    DELETED,
    NONE
  }

  private Outcome sweepOne(Workspace due, Instant now) {
    if (due.life().expiryWarnedAt() == null) {
      // Never deleted unwarned: a warning that comes late moves the deletion a day on.
      return warn(due, now) ? Outcome.WARNED : Outcome.NONE;
    }
    if (!due.life().deleteAfter().isAfter(now) && expire(due)) {
      return Outcome.DELETED;
    }
    return Outcome.NONE;
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

  /**
   * Claims the warning, sends it, then marks it given. The claim is one conditional write, so of
   * sweeps at once only one sends; a failed send gives the claim back for the next sweep; a claim
   * left by a sweep that died is taken over once it is {@link #WARNING_CLAIM} old. The mark (which
   * alone lets {@link #expire} delete) is written only after the send, so no sweep dying half-way
   * leaves a workspace to be deleted unwarned.
   */
  private boolean warn(Workspace due, Instant now) {
    var current = workspaces.get(due.userId(), due.workspaceId(), true).orElse(null);
    if (current == null
        || current.life().expiryWarnedAt() != null
        || current.life().deleteAfter() == null
        || current.state() != io.a4c.events.WorkspaceState.STOPPED) {
      return false;
    }
    Instant takeOverBefore = now.minus(WARNING_CLAIM);
    Instant held = current.life().expiryWarningClaimedAt();
    if (held != null && !held.isBefore(takeOverBefore)) {
      return false; // a live sweep is sending it
    }
    var claimed = withLife(current, current.life().warningClaimed(now), now);
    if (!workspaces.claimExpiryWarning(current, claimed, takeOverBefore)) {
      return false;
    }
    var warned = withLife(claimed, claimed.life().warned(now, WARNING), now);
    String to = current.life().notifyEmail();
    if (to != null) {
      try {
        notifier.expiryWarning(warned, to);
      } catch (RuntimeException e) {
        // Given back so that the next sweep tries again at once; if this write fails too, the
        // claim lapses after WARNING_CLAIM all the same.
        workspaces.replace(claimed, withLife(claimed, claimed.life().warningClaimed(null), now));
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
            warned.life().deleteAfter().toString(),
            "emailed",
            Boolean.toString(to != null)));
    // A mark that cannot be written leaves the claim held: a later sweep takes it over and sends
    // the warning again, the one way it goes twice (SES takes no idempotency key).
    if (!workspaces.replace(claimed, warned)) {
      log.atInfo()
          .addKeyValue("workspaceId", current.workspaceId())
          .log("expiry warning sent; the workspace changed meanwhile (started or deleted)");
      return false;
    }
    return true;
  }

  /** {@code workspace} with {@code life}, written as a new version at {@code now}. */
  private static Workspace withLife(Workspace workspace, Workspace.Lifecycle life, Instant now) {
    return workspace
        .withLife(life)
        .moved(workspace.state(), workspace.step(), workspace.reason(), now);
  }

  private static boolean stillDue(Workspace workspace, Instant now) {
    return workspace.state() == io.a4c.events.WorkspaceState.STOPPED
        && workspace.life().expiryWarnedAt() != null
        && workspace.life().deleteAfter() != null
        && !workspace.life().deleteAfter().isAfter(now);
  }
}
