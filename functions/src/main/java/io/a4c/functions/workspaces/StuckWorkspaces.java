package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.logging.SweepFailures;
import io.a4c.functions.projects.ProjectService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeper's part for workspaces: work that has not moved past a deadline is re-driven, and a
 * create, start or rebuild that stays stuck is ended. Called by {@code Sweeper} on its schedule.
 * Every write is conditional on the version read, so two sweeps at once re-drive each workspace
 * once; safe to run at any time. Thread-safe.
 */
@Singleton
public final class StuckWorkspaces {
  private static final Logger log = LoggerFactory.getLogger(StuckWorkspaces.class);

  /** How often a stuck create is re-sent before it is failed. */
  static final int MAX_REDRIVES = 2;

  /**
   * How many stuck deadlines work is left alone while its live host lists it as in hand ({@link
   * io.a4c.events.Heartbeat#workingOn}): a create that is slow (a large pull, a busy engine) rather
   * than lost is neither sent again nor failed, up to this bound, past which a command the daemon
   * never lets go of (a call that hangs) is ended: a create, start or rebuild at once, since a
   * re-send would only wait behind it in its workspace's message group.
   */
  static final int IN_HAND_DEADLINES = 4;

  /**
   * What a sweep of stuck workspaces did.
   *
   * @param deleted deletes finished at once because their host is DOWN
   */
  public record Swept(int redriven, int failed, int deleted) {
    public Swept(int redriven, int failed) {
      this(redriven, failed, 0);
    }
  }

  private final WorkspaceStore workspaces;
  private final HostDirectory directory;
  private final ProjectService projects;
  private final WorkspaceCommands commands;
  private final Clock clock;
  private final WorkspaceHostnames hostnames;
  private final WorkspaceSshAccess sshAccess;

  @Inject
  public StuckWorkspaces(
      WorkspaceStore workspaces,
      HostDirectory directory,
      ProjectService projects,
      WorkspaceCommands commands,
      Clock clock,
      WorkspaceHostnames hostnames,
      WorkspaceSshAccess sshAccess) {
    this.sshAccess = sshAccess;
    this.workspaces = workspaces;
    this.directory = directory;
    this.projects = projects;
    this.commands = commands;
    this.clock = clock;
    this.hostnames = hostnames;
  }

  /**
   * Re-drives or ends work that has not moved since {@code before}: a delete or stop is sent again
   * until it completes; a create, start or rebuild is sent again (the host's handlers are
   * idempotent and clean up a partial attempt) up to {@link #MAX_REDRIVES} times, then ended — a
   * create or rebuild FAILED with the step it was stuck at (a rebuild's home is kept), a start back
   * to STOPPED. Work on a DOWN host waits for it, but for a delete: its record goes at once, as a
   * delete asked for while the host is DOWN does ({@link WorkspaceDeletion#delete}). Work whose
   * host listed it as in hand in a heartbeat since {@code before} is left to that host until it has
   * not moved for {@link #IN_HAND_DEADLINES} deadlines; a create, start or rebuild still in hand
   * then is ended at once (a re-send would queue behind it), a stop or delete sent again.
   */
  public Swept sweep(Instant before) {
    Instant now = clock.instant();
    Instant inHandUntil =
        before.minus(Duration.between(before, now).multipliedBy(IN_HAND_DEADLINES - 1L));
    int redriven = 0;
    int failed = 0;
    int deleted = 0;
    // One workspace that cannot be swept (its host's queue refuses the send) is logged and passed
    // over, and the sweep throws once the others had their turn.
    var failures = new SweepFailures("stuck workspaces");
    var inFlight = workspaces.inFlightSince(before);
    if (!inFlight.isEmpty()) {
      directory.refresh(); // the hosts' latest beats: what they have in hand now
    }
    for (Workspace stuck : inFlight) {
      if (Boolean.FALSE.equals(directory.reachable(stuck.hostId()))) {
        if (stuck.state() == WorkspaceState.DELETING
            && failures.run(stuck.workspaceId(), () -> deleteOnLostHost(stuck), false)) {
          deleted++;
        }
        continue;
      }
      boolean inHand = directory.inHand(stuck.hostId(), stuck.workspaceId(), before);
      if (inHand && stuck.updatedAt().isAfter(inHandUntil)) {
        log.atInfo()
            .addKeyValue("workspaceId", stuck.workspaceId())
            .addKeyValue("state", stuck.state())
            .addKeyValue("hostId", stuck.hostId())
            .log("stuck workspace left to its host, which has its command in hand");
        continue;
      }
      switch (failures.run(stuck.workspaceId(), () -> sweepOne(stuck, inHand), Outcome.NONE)) {
        case REDRIVEN -> redriven++;
        case FAILED -> failed++;
        case NONE -> {}
      }
    }
    failures.rethrow();
    return new Swept(redriven, failed, deleted);
  }

  /**
   * Finishes a delete whose host is DOWN: the record, its slot and its quota unit go (its hostname
   * first), as a delete asked for now would. Waiting for the host's DELETED report would keep it
   * DELETING, holding its owner's quota unit, for as long as the host stays down, which may be for
   * good. Nothing of the workspace is lost that the delete did not mean to remove: if the host
   * comes back, the delete still in its queue removes the container and home, and its reconciler
   * removes any container or home of no record. Whether the record was removed.
   */
  private boolean deleteOnLostHost(Workspace stuck) {
    hostnames.withdraw(stuck);
    if (!workspaces.removeReleasing(stuck)) {
      return false;
    }
    log.atInfo()
        .addKeyValue("workspaceId", stuck.workspaceId())
        .addKeyValue("hostId", stuck.hostId())
        .log("delete of a workspace whose host is DOWN finished without its host");
    return true;
  }

  private enum Outcome {
    REDRIVEN,
    FAILED,
    NONE
  }

  /**
   * @param inHand whether its host still has the command in hand past {@link #IN_HAND_DEADLINES}: a
   *     command the daemon never lets go of, which a create, start or rebuild sent again would only
   *     queue behind, so it is ended at once
   */
  private Outcome sweepOne(Workspace stuck, boolean inHand) {
    Instant now = clock.instant();
    Outcome outcome = Outcome.NONE;
    switch (stuck.state()) {
      case DELETING, STOPPING -> {
        if (workspaces.replace(stuck, stuck.redriven(now))) {
          if (stuck.state() == WorkspaceState.DELETING) {
            commands.sendDelete(stuck);
          } else {
            commands.sendStop(stuck);
          }
          outcome = Outcome.REDRIVEN;
        }
      }
      default -> {
        if (stuck.redrives() >= MAX_REDRIVES || inHand || projectGone(stuck)) {
          if (giveUp(stuck, now)) {
            outcome = Outcome.FAILED;
          }
        } else if (redrive(stuck, now)) {
          outcome = Outcome.REDRIVEN;
        }
      }
    }
    log.atInfo()
        .addKeyValue("workspaceId", stuck.workspaceId())
        .addKeyValue("state", stuck.state())
        .log("stuck workspace swept");
    return outcome;
  }

  /** Whether a create or rebuild cannot be sent again because its project was deleted. */
  private boolean projectGone(Workspace stuck) {
    if (stuck.state() == WorkspaceState.STARTING) {
      return false; // a start needs nothing of the project
    }
    try {
      projects.get(stuck.projectName());
      return false;
    } catch (io.a4c.functions.projects.ProjectNotFoundException e) {
      return true;
    }
  }

  /** Ends a create, start or rebuild that stayed stuck; whether the record was written. */
  private boolean giveUp(Workspace stuck, Instant now) {
    String what =
        switch (stuck.state()) {
          case STARTING -> "start";
          case REBUILDING -> "rebuild";
          default -> "creation";
        };
    String reason =
        what
            + " did not finish on host "
            + stuck.hostId()
            + " (last step reached: "
            + (stuck.step() == null ? "none" : stuck.step())
            + "); "
            + switch (stuck.state()) {
              case STARTING -> "start it again";
              case REBUILDING -> "rebuild it again (its home is kept) or delete it";
              default -> "delete this workspace and try again";
            };
    // A create stuck after its IP step has a published hostname; it goes before the record turns
    // FAILED, so the next sweep retries a failed DNS delete.
    hostnames.withdraw(stuck);
    if (stuck.state() == WorkspaceState.STARTING) {
      // The container is still there, stopped or not started: back to STOPPED, its slot free.
      var stopped =
          stuck
              .withoutAddress()
              .withLife(
                  stuck
                      .life()
                      .stopped(
                          Objects.requireNonNullElse(
                              stuck.life().stoppedReason(), WorkspaceStatus.USER),
                          Objects.requireNonNullElse(stuck.life().stoppedAt(), now),
                          stuck.life().deleteAfter()))
              .moved(WorkspaceState.STOPPED, stuck.step(), reason, now);
      return workspaces.replace(stuck, stopped);
    }
    return workspaces.replace(
        stuck,
        stuck
            .withLife(stuck.life().rebuilding(null))
            .moved(WorkspaceState.FAILED, stuck.step(), reason, now));
  }

  /** Sends a stuck create, start or rebuild again; whether the record was written. */
  private boolean redrive(Workspace stuck, Instant now) {
    if (stuck.state() == WorkspaceState.STARTING) {
      var next = stuck.redriven(now);
      if (workspaces.replace(stuck, next)) {
        sendCounting(next, () -> commands.sendStart(stuck));
        return true;
      }
      return false;
    }
    // Before the write: a project deleted since must not leave the record re-driven but unsent.
    var project = projects.get(stuck.projectName());
    // A re-sent create or rebuild carries a new host key (private keys are never stored): the
    // record takes its public half in the same write.
    var ssh =
        stuck.ssh() == null
            ? Optional.<WorkspaceSshAccess.Issued>empty()
            : sshAccess.issue(stuck.userId(), stuck.workspaceId(), stuck.hostname());
    var next = stuck.redriven(now);
    if (stuck.state() == WorkspaceState.REBUILDING) {
      var target = stuck.life().rebuild();
      if (ssh.isPresent()) {
        next =
            next.withLife(
                next.life()
                    .rebuilding(
                        new Workspace.Rebuild(
                            target.imageRef(),
                            target.change(),
                            ssh.get().stored().hostKey(),
                            ssh.get().stored().sentKeysRevision())));
      }
      if (workspaces.replace(stuck, next)) {
        var rebuilding = next;
        sendCounting(
            next,
            () ->
                commands.sendRebuild(
                    rebuilding, project, ssh.map(WorkspaceSshAccess.Issued::command).orElse(null)));
        return true;
      }
      return false;
    }
    if (ssh.isPresent()) {
      next = next.withSsh(ssh.get().stored());
    }
    if (workspaces.replace(stuck, next)) {
      sendCounting(
          next,
          () ->
              commands.sendCreate(
                  stuck, project, ssh.map(WorkspaceSshAccess.Issued::command).orElse(null)));
      return true;
    }
    return false;
  }

  /**
   * Sends the command of a re-drive already written as {@code redriven}. A send that fails takes
   * the re-drive off the count before the failure goes on to the sweep: a command that never left
   * was no attempt, so a host whose queue refuses sends for a while does not see its work failed
   * for attempts it never got. Should that write fail too, the re-drive stays counted.
   */
  private void sendCounting(Workspace redriven, Runnable send) {
    try {
      send.run();
    } catch (RuntimeException e) {
      workspaces.replace(redriven, redriven.redriveUnsent());
      throw e;
    }
  }
}
