package io.a4c.functions.workspaces;

import io.a4c.events.SshAccess;
import io.a4c.events.WorkspaceState;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.ProjectService;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops, starts and rebuilds workspaces ({@code POST .../workspaces/{workspaceId}/stop|start|
 * rebuild}). Each takes the record's next operation number and moves it, with a conditional write,
 * to STOPPING, STARTING or REBUILDING, then sends its host the command; the host's reports finish
 * it ({@link WorkspaceReports}). A start or rebuild of a stopped workspace takes its host slot back
 * in the same write. If the command cannot be sent the record stays in flight and the sweeper sends
 * it again ({@link StuckWorkspaces}). Asking for what is already under way or done (stop of a
 * stopped workspace, start of a running one) answers 202 with the workspace as it is; one under way
 * has its command sent again, so a retry after a 503 recovers at once. Audited. Thread-safe.
 */
@Singleton
public final class WorkspaceLifecycle {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceLifecycle.class);
  private static final int WRITE_ATTEMPTS = 5;

  private static final Set<WorkspaceState> REBUILDABLE =
      Set.of(WorkspaceState.RUNNING, WorkspaceState.STOPPED, WorkspaceState.FAILED);

  private final WorkspaceStore workspaces;
  private final WorkspaceCommands commands;
  private final HostDirectory directory;
  private final ProjectService projects;
  private final WorkspaceSshAccess sshAccess;
  private final Clock clock;
  private final AuditLog audit;

  @Inject
  public WorkspaceLifecycle(
      WorkspaceStore workspaces,
      WorkspaceCommands commands,
      HostDirectory directory,
      ProjectService projects,
      WorkspaceSshAccess sshAccess,
      Clock clock,
      AuditLog audit) {
    this.workspaces = workspaces;
    this.commands = commands;
    this.directory = directory;
    this.projects = projects;
    this.sshAccess = sshAccess;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Stops a RUNNING workspace: its container stops, keeping its home, and its slot is freed once
   * the host reports it STOPPED.
   *
   * @return the workspace as now stored (STOPPING; or as it was when stopping or stopped already)
   * @throws WorkspaceNotFoundException 404 when the user has none of that id
   * @throws ProblemException 409 when it is in a state that cannot stop or its host is down
   */
  public WorkspaceView stop(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current = read(userId, workspaceId);
      if (current.state() == WorkspaceState.STOPPING) {
        // Its command may be the part that failed (a 503): sending it again is harmless.
        commands.sendStop(current);
        return WorkspaceView.of(current, null);
      }
      if (current.state() == WorkspaceState.STOPPED) {
        return WorkspaceView.of(current, null);
      }
      if (current.state() != WorkspaceState.RUNNING) {
        throw notNow(current, "stopped", "once it is RUNNING");
      }
      requireHostUp(current, "stopped");
      Workspace stopping = current.begun(WorkspaceState.STOPPING, true, clock.instant());
      if (!workspaces.replace(current, stopping)) {
        continue;
      }
      // Audited before the send: the record is STOPPING, and the sweeper re-sends a failed send.
      done(origin, stopping, "workspace.stop", Map.of());
      commands.sendStop(stopping);
      return WorkspaceView.of(stopping, true);
    }
    throw changing();
  }

  /**
   * Starts a STOPPED workspace again on its host, taking a slot there.
   *
   * @return the workspace as now stored (STARTING; or as it was when starting or running already)
   * @throws WorkspaceNotFoundException 404 when the user has none of that id
   * @throws ProblemException 409 when it is not stopped, its host is down or has no free slot
   */
  public WorkspaceView start(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current = read(userId, workspaceId);
      if (current.state() == WorkspaceState.STARTING) {
        // Its command may be the part that failed (a 503): sending it again is harmless.
        commands.sendStart(current);
        return WorkspaceView.of(current, null);
      }
      if (current.state() == WorkspaceState.RUNNING) {
        return WorkspaceView.of(current, null);
      }
      if (current.state() != WorkspaceState.STOPPED) {
        throw notNow(current, "started", "once it is STOPPED");
      }
      requireHostUp(current, "started");
      Workspace starting = current.begun(WorkspaceState.STARTING, true, clock.instant());
      if (!replaceTakingSlot(current, starting)) {
        continue;
      }
      done(origin, starting, "workspace.start", Map.of());
      commands.sendStart(starting);
      return WorkspaceView.of(starting, true);
    }
    throw changing();
  }

  /**
   * Replaces a workspace's container with one of its project's newest image ({@code change}: that
   * change's), on the same host, keeping its home volume and hostname. A RUNNING, STOPPED or FAILED
   * workspace may be rebuilt; it ends RUNNING.
   *
   * @param change the change to rebuild onto, or null for the newest image
   * @return the workspace as now stored (REBUILDING)
   * @throws WorkspaceNotFoundException 404 when the user has none of that id
   * @throws ProblemException 404/409 when there is no such image; 409 when the workspace is busy,
   *     its host is down or has no free slot
   */
  public WorkspaceView rebuild(Origin origin, String userId, String workspaceId, String change) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current = read(userId, workspaceId);
      if (!REBUILDABLE.contains(current.state())) {
        throw notNow(current, "rebuilt", "once it is RUNNING, STOPPED or FAILED");
      }
      requireHostUp(current, "rebuilt");
      var project = projects.get(current.projectName());
      Image image = projects.resolveImage(project, current.parentName(), current.arch(), change);
      Rebuilding rebuilding = rebuilding(current, image.imageRef(), image.change());
      if (!replaceTakingSlot(current, rebuilding.workspace())) {
        continue;
      }
      done(
          origin,
          rebuilding.workspace(),
          "workspace.rebuild",
          Map.of("from", current.imageRef(), "imageRef", image.imageRef()));
      commands.sendRebuild(rebuilding.workspace(), project, rebuilding.ssh());
      return WorkspaceView.of(rebuilding.workspace(), true);
    }
    throw changing();
  }

  /** A rebuild's record and the SSH access its command carries (null without SSH). */
  record Rebuilding(Workspace workspace, SshAccess ssh) {}

  /**
   * {@code current} moved to REBUILDING onto {@code imageRef} (of {@code change}) with a new
   * operation and its slot held; with SSH, a new host key for the new container, which the record
   * takes once it runs. Also used by the reconciler to make a container removed outside A4C again.
   */
  Rebuilding rebuilding(Workspace current, String imageRef, String change) {
    var issued =
        current.ssh() == null
            ? java.util.Optional.<WorkspaceSshAccess.Issued>empty()
            : sshAccess.issue(current.userId(), current.workspaceId(), current.hostname());
    Workspace next = current.begun(WorkspaceState.REBUILDING, true, clock.instant());
    next =
        next.withLife(
            next.life()
                .rebuilding(
                    new Workspace.Rebuild(
                        imageRef,
                        change,
                        issued.map(i -> i.stored().hostKey()).orElse(null),
                        issued.map(i -> i.stored().sentKeysRevision()).orElse(0L))));
    return new Rebuilding(next, issued.map(WorkspaceSshAccess.Issued::command).orElse(null));
  }

  /**
   * Writes {@code next}, which holds a slot {@code current} may not have held.
   *
   * @return false when the record changed since it was read
   * @throws ProblemException 409 when the host has no free slot
   */
  private boolean replaceTakingSlot(Workspace current, Workspace next) {
    try {
      return workspaces.replace(current, next);
    } catch (WorkspaceStore.HostFull e) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "host "
              + current.hostId()
              + " has no free slot for this workspace to run; stop another workspace there or try"
              + " again later",
          null,
          "host-full");
    }
  }

  private Workspace read(String userId, String workspaceId) {
    return workspaces
        .get(userId, workspaceId, true)
        .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
  }

  private void requireHostUp(Workspace workspace, String verb) {
    if (Boolean.FALSE.equals(directory.reachable(workspace.hostId()))) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "workspace "
              + workspace.workspaceId()
              + " cannot be "
              + verb
              + " now: its host "
              + workspace.hostId()
              + " is down; try again when it is back",
          null,
          "host-down");
    }
  }

  private static ProblemException notNow(Workspace workspace, String verb, String when) {
    return new ProblemException(
        ProblemType.CONFLICT,
        "workspace "
            + workspace.workspaceId()
            + " is "
            + workspace.state()
            + "; it can be "
            + verb
            + " "
            + when,
        null,
        "workspace-state");
  }

  private static ProblemException changing() {
    return new ProblemException(ProblemType.CONFLICT, "the workspace is changing; try again");
  }

  private void done(Origin origin, Workspace workspace, String action, Map<String, String> extra) {
    var details = new java.util.HashMap<String, String>(extra);
    details.put("hostId", workspace.hostId());
    details.put("operation", Long.toString(workspace.life().operation()));
    audit.record(
        origin, action, workspace.userId(), "workspace:" + workspace.workspaceId(), details);
    log.atInfo()
        .addKeyValue("workspaceId", workspace.workspaceId())
        .addKeyValue("hostId", workspace.hostId())
        .addKeyValue("state", workspace.state())
        .addKeyValue("operation", workspace.life().operation())
        .log(action);
  }
}
