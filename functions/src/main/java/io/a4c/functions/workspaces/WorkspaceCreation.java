package io.a4c.functions.workspaces;

import io.a4c.events.SshAccess;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.EmailRecipients;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.Parallel;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostImageStore;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.hosts.LeastDiskPlacement;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.quotas.Quotas;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.sshkeys.KeySet;
import io.a4c.functions.warmpool.PoolMember;
import io.a4c.functions.warmpool.WarmPoolStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a workspace ({@code POST /v1/users/{userId}/workspaces}): resolves the project's image,
 * takes a member of the project's warm pool of that image when there is one ready ({@link
 * WarmPools}: the record, quota and idempotency key are written in the one transaction that claims
 * the member, whose host slot the workspace inherits), else places the workspace on the host
 * holding the image with the least disk in use; then sends the host its create command. The record,
 * its host slot, a unit of the user's workspace quota and the idempotency key are written in one
 * transaction; if the command cannot be sent, all of it is undone (and if the undo fails, the key
 * keeps naming the record the sweep re-drives). Idempotent per {@code Idempotency-Key}: the same
 * key and request answer with the workspace the first one made. Audited. Thread-safe.
 */
@Singleton
public final class WorkspaceCreation {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceCreation.class);

  /** How often a create reads a pool's ready members again after losing every one it tried. */
  static final int CLAIM_PASSES = 3;

  private final WorkspaceStore workspaces;
  private final HostStore hosts;
  private final HostImageStore hostImages;
  private final ProjectService projects;
  private final LeastDiskPlacement placement;
  private final WorkspaceCommands commands;
  private final IdGenerator ids;
  private final Clock clock;
  private final String domain;
  private final Quotas quotas;
  private final UsageCounters usage;
  private final AuditLog audit;
  private final WorkspaceSshAccess sshAccess;
  private final String userEmailDomain;
  private final WarmPools pools;
  private final WarmPoolStore poolMembers;

  @Inject
  public WorkspaceCreation(
      WorkspaceStore workspaces,
      HostStore hosts,
      HostImageStore hostImages,
      ProjectService projects,
      LeastDiskPlacement placement,
      WorkspaceCommands commands,
      IdGenerator ids,
      Clock clock,
      FunctionsConfig config,
      Quotas quotas,
      UsageCounters usage,
      AuditLog audit,
      WorkspaceSshAccess sshAccess,
      WarmPools pools,
      WarmPoolStore poolMembers) {
    this.pools = pools;
    this.poolMembers = poolMembers;
    this.sshAccess = sshAccess;
    this.workspaces = workspaces;
    this.hosts = hosts;
    this.hostImages = hostImages;
    this.projects = projects;
    this.placement = placement;
    this.commands = commands;
    this.ids = ids;
    this.clock = clock;
    this.domain = config.workspaceDomain();
    this.userEmailDomain = config.builds().userEmailDomain();
    this.quotas = quotas;
    this.usage = usage;
    this.audit = audit;
  }

  /**
   * Places a new workspace and sends its create command. On return the record is PENDING on the
   * chosen host (shown reachable: it was just chosen for its fresh heartbeat; a replay is not
   * looked up); if the command cannot be sent the record and its reservation are rolled back.
   *
   * @param idempotencyKey the client's {@code Idempotency-Key}, or null: the same key and request
   *     return the workspace the first one made; the same key with another request is a 422
   * @throws QuotaExceededException 429 when the user holds as many workspaces as the quota allows
   * @throws NoHostAvailableException 503 when no host can take it
   */
  public WorkspaceView create(
      Origin origin, String userId, CreateWorkspaceRequest request, String idempotencyKey) {
    return create(origin, userId, null, request, idempotencyKey);
  }

  /**
   * As {@link #create(Origin, String, CreateWorkspaceRequest, String)}, with where the owner is
   * emailed (expiry warnings).
   *
   * @param emailClaim the caller's {@code email} claim when the caller is the owner, else null
   */
  public WorkspaceView create(
      Origin origin,
      String userId,
      String emailClaim,
      CreateWorkspaceRequest request,
      String idempotencyKey) {
    IdempotencyRecord claim = null;
    if (idempotencyKey != null) {
      String key = IdempotencyRecord.key(userId, idempotencyKey);
      String hash = IdempotencyRecord.hash(request.toString());
      var used = workspaces.idempotency(key);
      if (used.isPresent()) {
        return WorkspaceView.of(replay(userId, used.get(), hash), null);
      }
      claim = new IdempotencyRecord(key, hash, null);
    }
    try {
      return WorkspaceView.of(
          place(
              origin,
              userId,
              EmailRecipients.of(userId, emailClaim, userEmailDomain),
              request,
              claim),
          true);
    } catch (WorkspaceStore.IdempotencyKeyTaken e) {
      // A concurrent request with the same key won the transaction: answer with its workspace.
      var made =
          replay(userId, workspaces.idempotency(claim.key()).orElseThrow(), claim.requestHash());
      return WorkspaceView.of(made, null);
    }
  }

  private Workspace replay(String userId, IdempotencyRecord used, String requestHash) {
    if (!used.requestHash().equals(requestHash)) {
      throw new ProblemException(
          ProblemType.IDEMPOTENCY_KEY_REUSED,
          "this Idempotency-Key was used with a different request; use a new key for a new workspace",
          "Idempotency-Key",
          "idempotency-key-reused");
    }
    return workspaces
        .get(userId, used.workspaceId(), true)
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.CONFLICT,
                    "the workspace this Idempotency-Key made was deleted since",
                    "Idempotency-Key",
                    "idempotent-workspace-deleted"));
  }

  private Workspace place(
      Origin origin,
      String userId,
      String notifyEmail,
      CreateWorkspaceRequest request,
      IdempotencyRecord claim) {
    // Four independent reads, at once: the request waits for the slowest, not their sum.
    var reads = new Parallel();
    var projectRead = reads.start(() -> projects.get(request.projectName()));
    var imageRead =
        reads.start(
            () ->
                projects.findImage(
                    request.projectName(),
                    request.parentName(),
                    request.parsedArch(),
                    request.change()));
    // The hosts (small items), and the holders of the image once it is known.
    var fleetRead = reads.start(hosts::all);
    var holdersRead =
        reads.start(
            () ->
                imageRead
                    .get()
                    .map(found -> hostImages.holders(found.imageRef()))
                    .orElse(Set.of()));
    var keysRead = reads.start(() -> sshAccess.heldKeys(userId));
    reads.await();
    Project project = projectRead.get(); // 404 first, then a parent it lacks, then no image
    int quota = quotas.workspaces(project);
    Image image =
        projects.resolveImage(
            project, request.parentName(), request.parsedArch(), request.change(), imageRead::get);
    Instant now = clock.instant();
    List<Host> fleet = fleetRead.get();
    Set<String> holders = holdersRead.get();
    Optional<KeySet> keys = keysRead.get();
    var pooled =
        fromPool(
            origin,
            userId,
            notifyEmail,
            request,
            claim,
            project,
            quota,
            image,
            fleet,
            holders,
            keys,
            now);
    if (pooled != null) {
      return pooled;
    }
    var candidates =
        placement.candidates(fleet, holders, request.parsedArch(), image.imageRef(), now);

    String workspaceId = ids.workspaceId();
    String hostname = workspaceId + "." + domain;
    var ssh = candidates.isEmpty() ? null : sshAccess.issue(keys, userId, workspaceId, hostname);
    for (Host host : candidates) {
      var workspace =
          Workspace.pending(
                  userId, workspaceId, request.name(), image, host.hostId(), hostname, now)
              .withSsh(ssh.map(WorkspaceSshAccess.Issued::stored).orElse(null))
              .withLife(Workspace.Lifecycle.created(notifyEmail));
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
      send(
          workspace,
          project,
          ssh.map(WorkspaceSshAccess.Issued::command).orElse(null),
          claim,
          () -> workspaces.removeReleasing(workspace));
      recordCreate(origin, userId, workspaceId, project, request, host.hostId(), image, false);
      return workspace;
    }
    throw new NoHostAvailableException(
        NoHostAvailableException.Reason.NO_CAPACITY,
        "every host holding image " + image.imageRef() + " filled up; try again");
  }

  /**
   * Claims a ready member of the project's warm pool of {@code image} for the new workspace, which
   * takes the member's id (its container's name, hostname and home are already that id's) and host;
   * the create command then personalises the running container. Members are tried in random order;
   * one another create claimed first is skipped, one on a host that is down, draining or silent
   * ({@code fleet} as read now) is not tried. Once the command is sent, the pool's refill is asked
   * for ({@link WarmPools#refill}): the sweep need not run for the pool to be back to its size.
   *
   * @return the workspace, or null when no member could be claimed (the caller places it anew)
   */
  private Workspace fromPool(
      Origin origin,
      String userId,
      String notifyEmail,
      CreateWorkspaceRequest request,
      IdempotencyRecord claim,
      Project project,
      int quota,
      Image image,
      List<Host> fleet,
      Set<String> holders,
      Optional<KeySet> keys,
      Instant now) {
    for (int pass = 0; pass < CLAIM_PASSES; pass++) {
      var members = pools.claimable(project, image, fleet, now);
      if (members.isEmpty()) {
        return null;
      }
      var claimed =
          claimOne(
              origin,
              userId,
              notifyEmail,
              request,
              claim,
              project,
              quota,
              image,
              keys,
              now,
              members);
      if (claimed != null) {
        refill(project, image, fleet, holders, now);
        return claimed;
      }
    }
    return null;
  }

  /**
   * Asks for the claimed member's successor. Its failure fails no create: the workspace is made and
   * its command sent, and the next sweep fills what is missing.
   */
  private void refill(
      Project project, Image image, List<Host> fleet, Set<String> holders, Instant now) {
    try {
      pools.refill(project, image, fleet, holders, now);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("projectName", project.projectName())
          .setCause(e)
          .log("warm pool refill after a claim failed; the next sweep fills the pool");
    }
  }

  /** Claims the first of {@code members} no other create took first; null when none was left. */
  private Workspace claimOne(
      Origin origin,
      String userId,
      String notifyEmail,
      CreateWorkspaceRequest request,
      IdempotencyRecord claim,
      Project project,
      int quota,
      Image image,
      Optional<KeySet> keys,
      Instant now,
      List<PoolMember> members) {
    for (PoolMember member : members) {
      String workspaceId = member.memberId();
      String hostname = workspaceId + "." + domain;
      var ssh = sshAccess.issue(keys, userId, workspaceId, hostname);
      var workspace =
          Workspace.pending(
                  userId, workspaceId, request.name(), image, member.hostId(), hostname, now)
              .withSsh(ssh.map(WorkspaceSshAccess.Issued::stored).orElse(null))
              .withLife(Workspace.Lifecycle.created(notifyEmail));
      try {
        workspaces.insertClaiming(
            workspace,
            claim == null
                ? null
                : new IdempotencyRecord(claim.key(), claim.requestHash(), workspaceId),
            quota,
            poolMembers.claim(member, userId, now));
      } catch (WorkspaceStore.PoolMemberTaken e) {
        continue; // another create took it since the read; try the next
      } catch (WorkspaceStore.QuotaReached e) {
        throw overQuota(userId, project, quota);
      }
      send(
          workspace,
          project,
          ssh.map(WorkspaceSshAccess.Issued::command).orElse(null),
          claim,
          () ->
              workspaces.removeUnclaiming(
                  workspace, poolMembers.unclaim(member, userId, workspace.createdAt())));
      recordCreate(origin, userId, workspaceId, project, request, member.hostId(), image, true);
      return workspace;
    }
    return null;
  }

  /** Audits and logs a create placed on {@code hostId}: a claimed warm pool member when pooled. */
  private void recordCreate(
      Origin origin,
      String userId,
      String workspaceId,
      Project project,
      CreateWorkspaceRequest request,
      String hostId,
      Image image,
      boolean pooled) {
    var details = new HashMap<String, String>();
    details.put("projectName", project.projectName());
    details.put("parentName", request.parentName());
    details.put("arch", request.parsedArch().wireName());
    details.put("hostId", hostId);
    details.put("imageRef", image.imageRef());
    if (pooled) {
      details.put("warmPool", "claimed");
    }
    audit.record(origin, "workspace.create", userId, "workspace:" + workspaceId, details);
    log.atInfo()
        .addKeyValue("workspaceId", workspaceId)
        .addKeyValue("userId", userId)
        .addKeyValue("hostId", hostId)
        .addKeyValue("imageRef", image.imageRef())
        .log(pooled ? "workspace claimed from the warm pool" : "workspace placed");
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

  /**
   * Sends the create command of a workspace just placed; if it cannot be sent, undoes the
   * placement. The idempotency key is forgotten only once the record is gone: when the undo fails
   * the record stays (PENDING, its create re-sent by the sweep like any stuck create) and the key
   * keeps naming it, so a retry with the key answers with that workspace instead of making a second
   * one. A workspace that claimed a warm pool member gives the member back READY, its container
   * untouched and its slot its own, so neither the host nor the pool is short of one; should that
   * fail, the record stays as above, holding the member's slot, and the sweep's re-sent create
   * personalises the member.
   *
   * @param undo removes the record and what it holds; false when the record changed meanwhile
   */
  private void send(
      Workspace workspace,
      Project project,
      SshAccess ssh,
      IdempotencyRecord claim,
      BooleanSupplier undo) {
    try {
      commands.sendCreate(workspace, project, ssh);
    } catch (RuntimeException e) {
      // Nothing reached the host: undo the record and the reservation so nothing is left behind.
      boolean undone;
      try {
        undone = undo.getAsBoolean();
      } catch (RuntimeException undoFailure) {
        e.addSuppressed(undoFailure);
        undone = false;
      }
      if (!undone) {
        log.atError()
            .addKeyValue("workspaceId", workspace.workspaceId())
            .log("rollback of unsent workspace failed; the sweep re-sends its create");
      } else if (claim != null) {
        try {
          workspaces.forgetIdempotency(claim.key());
        } catch (RuntimeException forget) {
          // The key names a record that is gone: a retry with it is answered 409, not a twin.
          e.addSuppressed(forget);
        }
      }
      throw e;
    }
  }
}
