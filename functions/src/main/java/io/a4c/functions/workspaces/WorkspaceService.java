package io.a4c.functions.workspaces;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.Names;
import io.a4c.events.WorkspaceSpec;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.hosts.LeastDiskPlacement;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.http.PageTokens;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.quotas.Quotas;
import io.a4c.functions.quotas.UsageCounters;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, lists, deletes workspaces, and applies what hosts report about them. Every state change
 * is a conditional write through {@link WorkspaceState#canMoveTo}, so duplicate and late reports
 * are no-ops. Creation takes a unit of the user's workspace quota in the same transaction as the
 * record; every removal gives it back. Creations and deletions are audited. Thread-safe.
 */
@Singleton
public final class WorkspaceService {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceService.class);
  private static final int WRITE_ATTEMPTS = 5;

  private final WorkspaceStore workspaces;
  private final HostStore hosts;
  private final io.a4c.functions.hosts.HostDirectory directory;
  private final ProjectService projects;
  private final LeastDiskPlacement placement;
  private final HostCommandSender commands;
  private final IdGenerator ids;
  private final Clock clock;
  private final String domain;
  private final PageTokens pageTokens;
  private final Quotas quotas;
  private final UsageCounters usage;
  private final AuditLog audit;

  @Inject
  public WorkspaceService(
      WorkspaceStore workspaces,
      HostStore hosts,
      io.a4c.functions.hosts.HostDirectory directory,
      ProjectService projects,
      LeastDiskPlacement placement,
      HostCommandSender commands,
      IdGenerator ids,
      Clock clock,
      FunctionsConfig config,
      PageTokens pageTokens,
      Quotas quotas,
      UsageCounters usage,
      AuditLog audit) {
    this.workspaces = workspaces;
    this.hosts = hosts;
    this.directory = directory;
    this.projects = projects;
    this.placement = placement;
    this.commands = commands;
    this.ids = ids;
    this.clock = clock;
    this.domain = config.workspaceDomain();
    this.pageTokens = pageTokens;
    this.quotas = quotas;
    this.usage = usage;
    this.audit = audit;
  }

  /**
   * Places a new workspace and sends its create command. On return the record is PENDING on the
   * chosen host; if the command cannot be sent the record and its reservation are rolled back.
   *
   * @param idempotencyKey the client's {@code Idempotency-Key}, or null: the same key and request
   *     return the workspace the first one made; the same key with another request is a 422
   * @throws QuotaExceededException 429 when the user holds as many workspaces as the quota allows
   */
  public Workspace create(
      Origin origin, String userId, CreateWorkspaceRequest request, String idempotencyKey) {
    IdempotencyRecord claim = null;
    if (idempotencyKey != null) {
      String key = IdempotencyRecord.key(userId, idempotencyKey);
      String hash = IdempotencyRecord.hash(request.toString());
      var used = workspaces.idempotency(key);
      if (used.isPresent()) {
        return replay(userId, used.get(), hash);
      }
      claim = new IdempotencyRecord(key, hash, null);
    }
    try {
      return place(origin, userId, request, claim);
    } catch (WorkspaceStore.IdempotencyKeyTaken e) {
      // A concurrent request with the same key won the transaction: answer with its workspace.
      return replay(userId, workspaces.idempotency(claim.key()).orElseThrow(), claim.requestHash());
    }
  }

  private Workspace replay(String userId, IdempotencyRecord used, String requestHash) {
    if (!used.requestHash().equals(requestHash)) {
      throw new ProblemException(
          io.a4c.functions.http.ProblemType.IDEMPOTENCY_KEY_REUSED,
          "this Idempotency-Key was used with a different request; use a new key for a new workspace",
          "Idempotency-Key",
          "idempotency-key-reused");
    }
    return workspaces
        .get(userId, used.workspaceId(), true)
        .orElseThrow(
            () ->
                new ProblemException(
                    io.a4c.functions.http.ProblemType.CONFLICT,
                    "the workspace this Idempotency-Key made was deleted since",
                    "Idempotency-Key",
                    "idempotent-workspace-deleted"));
  }

  private Workspace place(
      Origin origin, String userId, CreateWorkspaceRequest request, IdempotencyRecord claim) {
    Project project = projects.get(request.projectName());
    int quota = quotas.workspaces(project);
    Image image =
        projects.resolveImage(
            project, request.parentName(), request.parsedArch(), request.change());
    Instant now = clock.instant();
    var candidates = placement.candidates(hosts.all(), request.parsedArch(), image.imageRef(), now);

    String workspaceId = ids.workspaceId();
    for (Host host : candidates) {
      var workspace =
          new Workspace(
              userId,
              workspaceId,
              request.name(),
              project.projectName(),
              request.parentName(),
              request.parsedArch(),
              image.change(),
              image.imageRef(),
              host.hostId(),
              workspaceId + "." + domain,
              null,
              null,
              WorkspaceState.PENDING,
              null,
              null,
              1,
              now,
              now,
              0,
              true);
      try {
        workspaces.insertReserving(
            workspace,
            claim == null
                ? null
                : new IdempotencyRecord(claim.key(), claim.requestHash(), workspaceId),
            quota);
      } catch (WorkspaceStore.HostUnavailableForReservation e) {
        continue; // filled up since the scan; the next candidate has more disk in use but room
      } catch (WorkspaceStore.QuotaReached e) {
        throw overQuota(userId, project, quota);
      }
      send(workspace, project, claim);
      audit.record(
          origin,
          "workspace.create",
          userId,
          "workspace:" + workspaceId,
          Map.of(
              "projectName",
              project.projectName(),
              "parentName",
              request.parentName(),
              "arch",
              request.parsedArch().wireName(),
              "hostId",
              host.hostId(),
              "imageRef",
              image.imageRef()));
      log.atInfo()
          .addKeyValue("workspaceId", workspaceId)
          .addKeyValue("userId", userId)
          .addKeyValue("hostId", host.hostId())
          .addKeyValue("imageRef", image.imageRef())
          .log("workspace placed");
      return workspace;
    }
    throw new NoHostAvailableException(
        NoHostAvailableException.Reason.NO_CAPACITY,
        "every host holding image " + image.imageRef() + " filled up; try again");
  }

  private QuotaExceededException overQuota(String userId, Project project, int quota) {
    long held = usage.current(userId, UsageCounters.Counter.WORKSPACES);
    log.atInfo()
        .addKeyValue("userId", userId)
        .addKeyValue("projectName", project.projectName())
        .addKeyValue("quota", quota)
        .log("workspace quota reached");
    return new QuotaExceededException(
        "you hold "
            + held
            + " workspace"
            + (held == 1 ? "" : "s")
            + "; at most "
            + quota
            + " are allowed when creating one of project "
            + project.projectName()
            + ". Delete a workspace you no longer need, then try again",
        "workspace-quota");
  }

  /** Sends the create command of a placed workspace. */
  private void sendCreate(Workspace workspace, Project project) {
    var size = project.config().workspaceSize();
    var spec =
        new WorkspaceSpec(
            workspace.imageRef(),
            workspace.hostname(),
            project.config().setup(),
            size.cpus(),
            size.memoryMb(),
            size.pids());
    commands.send(
        CreateWorkspace.of(
            ids.commandId(),
            workspace.hostId(),
            workspace.workspaceId(),
            workspace.userId(),
            spec));
  }

  /**
   * Sends the create command of a workspace just placed; if it cannot be sent, undoes the
   * placement.
   */
  private void send(Workspace workspace, Project project, IdempotencyRecord claim) {
    try {
      sendCreate(workspace, project);
    } catch (RuntimeException e) {
      // Nothing reached the host: undo the record and the reservation so nothing is left behind.
      if (!workspaces.removeReleasing(workspace)) {
        log.atError()
            .addKeyValue("workspaceId", workspace.workspaceId())
            .log("rollback of unsent workspace failed");
      }
      if (claim != null) {
        workspaces.forgetIdempotency(claim.key());
      }
      throw e;
    }
  }

  /** One page of the user's workspaces, each saying whether its host is reachable. */
  public WorkspacePage list(String userId, int limit, String nextToken) {
    String scope = "workspaces/" + userId;
    var page =
        workspaces.list(userId, limit, pageTokens.open(scope, nextToken, Names.WORKSPACE_ID));
    var items =
        page.items().stream()
            .map(w -> w.withHostReachable(directory.reachable(w.hostId())))
            .toList();
    return new WorkspacePage(items, pageTokens.seal(scope, page.lastWorkspaceId()));
  }

  /** The workspace; 404 when the user has none of that id. */
  public Workspace get(String userId, String workspaceId) {
    return workspaces
        .get(userId, workspaceId, false)
        .map(w -> w.withHostReachable(directory.reachable(w.hostId())))
        .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
  }

  /**
   * Removes the record at once and frees its host slot, whatever state it is in (admins only, for a
   * host that will not come back). A container left on the host is removed by that host's
   * reconciler when it returns, since it no longer has a record.
   */
  public void forceDelete(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current =
          workspaces
              .get(userId, workspaceId, true)
              .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
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
    throw new ProblemException(
        io.a4c.functions.http.ProblemType.CONFLICT, "the workspace is changing; try again");
  }

  /** What a sweep of stuck workspaces did. */
  public record Swept(int redriven, int failed) {}

  /** How often a stuck create is re-sent before it is failed. */
  static final int MAX_REDRIVES = 2;

  /**
   * Re-drives or fails work that has not moved since {@code before}: a create is sent again (the
   * host's provisioner is idempotent and cleans up a partial attempt) up to {@link #MAX_REDRIVES}
   * times, then FAILED with the step it was stuck at; a delete is sent again until it completes.
   * Work on a DOWN host waits for it.
   */
  public Swept sweepStuck(Instant before) {
    int redriven = 0;
    int failed = 0;
    for (Workspace stuck : workspaces.inFlightSince(before)) {
      if (Boolean.FALSE.equals(directory.reachable(stuck.hostId()))) {
        continue;
      }
      Instant now = clock.instant();
      if (stuck.state() == WorkspaceState.DELETING) {
        if (workspaces.replace(stuck, stuck.redriven(now))) {
          commands.send(
              DeleteWorkspace.of(
                  ids.commandId(), stuck.hostId(), stuck.workspaceId(), stuck.userId()));
          redriven++;
        }
      } else if (stuck.redrives() >= MAX_REDRIVES) {
        String reason =
            "creation did not finish on host "
                + stuck.hostId()
                + " (last step reached: "
                + (stuck.step() == null ? "none" : stuck.step())
                + "); delete this workspace and try again";
        if (workspaces.replace(
            stuck, stuck.moved(WorkspaceState.FAILED, stuck.step(), reason, now))) {
          failed++;
        }
      } else if (workspaces.replace(stuck, stuck.redriven(now))) {
        sendCreate(stuck, projects.get(stuck.projectName()));
        redriven++;
      }
      log.atInfo()
          .addKeyValue("workspaceId", stuck.workspaceId())
          .addKeyValue("state", stuck.state())
          .log("stuck workspace swept");
    }
    return new Swept(redriven, failed);
  }

  /**
   * Marks the workspace DELETING and asks its host to remove it. Idempotent: deleting a workspace
   * already DELETING sends the command again (the host treats a missing container as done).
   */
  public Workspace delete(Origin origin, String userId, String workspaceId) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      Workspace current =
          workspaces
              .get(userId, workspaceId, true)
              .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
      Workspace deleting = current;
      if (current.state() != WorkspaceState.DELETING) {
        deleting = current.moved(WorkspaceState.DELETING, current.step(), null, clock.instant());
        if (!workspaces.replace(current, deleting)) {
          continue;
        }
      }
      commands.send(DeleteWorkspace.of(ids.commandId(), current.hostId(), workspaceId, userId));
      log.atInfo()
          .addKeyValue("workspaceId", workspaceId)
          .addKeyValue("hostId", current.hostId())
          .log("delete requested");
      audit.record(
          origin,
          "workspace.delete",
          userId,
          "workspace:" + workspaceId,
          Map.of("hostId", current.hostId()));
      return deleting;
    }
    throw new ProblemException(
        io.a4c.functions.http.ProblemType.CONFLICT, "the workspace is changing; try again");
  }

  /**
   * Applies a host's report. A report from a host the workspace is not on, about a workspace that
   * is gone, or that would not move the record forward, is dropped.
   *
   * @return whether the record changed
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
        return false;
      }
      if (!current.state().canMoveTo(status.state(), current.step(), status.step())) {
        return false;
      }
      boolean written =
          status.state() == WorkspaceState.DELETED
              ? workspaces.removeReleasing(current)
              : workspaces.replace(
                  current,
                  current
                      .withContainer(status.containerId(), status.ip())
                      .moved(status.state(), status.step(), status.reason(), clock.instant()));
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
}
