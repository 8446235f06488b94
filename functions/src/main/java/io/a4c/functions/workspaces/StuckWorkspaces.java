package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.projects.ProjectService;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeper's part for workspaces: work that has not moved past a deadline is re-driven, and a
 * create that stays stuck is failed. Called by {@code Sweeper} on its schedule. Every write is
 * conditional on the version read, so two sweeps at once re-drive each workspace once; safe to run
 * at any time. Thread-safe.
 */
@Singleton
public final class StuckWorkspaces {
  private static final Logger log = LoggerFactory.getLogger(StuckWorkspaces.class);

  /** How often a stuck create is re-sent before it is failed. */
  static final int MAX_REDRIVES = 2;

  /** What a sweep of stuck workspaces did. */
  public record Swept(int redriven, int failed) {}

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
   * Re-drives or fails work that has not moved since {@code before}: a create is sent again (the
   * host's provisioner is idempotent and cleans up a partial attempt) up to {@link #MAX_REDRIVES}
   * times, then FAILED with the step it was stuck at; a delete is sent again until it completes.
   * Work on a DOWN host waits for it.
   */
  public Swept sweep(Instant before) {
    int redriven = 0;
    int failed = 0;
    for (Workspace stuck : workspaces.inFlightSince(before)) {
      if (Boolean.FALSE.equals(directory.reachable(stuck.hostId()))) {
        continue;
      }
      Instant now = clock.instant();
      if (stuck.state() == WorkspaceState.DELETING) {
        if (workspaces.replace(stuck, stuck.redriven(now))) {
          commands.sendDelete(stuck);
          redriven++;
        }
      } else if (stuck.redrives() >= MAX_REDRIVES) {
        String reason =
            "creation did not finish on host "
                + stuck.hostId()
                + " (last step reached: "
                + (stuck.step() == null ? "none" : stuck.step())
                + "); delete this workspace and try again";
        // A create stuck after its IP step has a published hostname; it goes before the record
        // turns FAILED, so the next sweep retries a failed DNS delete.
        hostnames.withdraw(stuck);
        if (workspaces.replace(
            stuck, stuck.moved(WorkspaceState.FAILED, stuck.step(), reason, now))) {
          failed++;
        }
      } else {
        // A re-sent create carries a new host key (private keys are never stored): the record
        // takes its public half in the same write.
        var ssh =
            stuck.ssh() == null
                ? Optional.<WorkspaceSshAccess.Issued>empty()
                : sshAccess.issue(stuck.userId(), stuck.workspaceId(), stuck.hostname());
        var next = stuck.redriven(now);
        if (ssh.isPresent()) {
          next = next.withSsh(ssh.get().stored());
        }
        if (workspaces.replace(stuck, next)) {
          commands.sendCreate(
              stuck,
              projects.get(stuck.projectName()),
              ssh.map(WorkspaceSshAccess.Issued::command).orElse(null));
          redriven++;
        }
      }
      log.atInfo()
          .addKeyValue("workspaceId", stuck.workspaceId())
          .addKeyValue("state", stuck.state())
          .log("stuck workspace swept");
    }
    return new Swept(redriven, failed);
  }
}
