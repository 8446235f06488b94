package io.a4c.functions.workspaces;

import io.a4c.events.DeleteWorkspace;
import io.a4c.events.HostInventory;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.projects.ProjectService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The central half of reconciliation: compares a host's inventory of A4C containers with the
 * records placed on that host and brings them in line. Nothing younger than the grace period is
 * touched, so a workspace being created or deleted is never taken for a stray.
 *
 * <ul>
 *   <li>A record whose container is gone: DELETING — the delete finished and its report was lost,
 *       so the record goes; RUNNING — the container was removed outside A4C, so it is made again
 *       from the image it ran by a rebuild, which keeps its home. Work in flight is the sweeper's
 *       (its container may not exist yet); a STOPPED one is left alone (a start says it is gone).
 *   <li>A container with no record: the host is told to remove it with its home; a container whose
 *       record is FAILED: the host is told to remove it but keep its home (for a rebuild). A
 *       STOPPED workspace's container is neither started nor removed.
 *   <li>A home volume of no record and no container: the host is told to remove it.
 *   <li>When the host saw a RUNNING workspace in use, the record's {@code lastActiveAt} follows.
 *   <li>A STOPPED workspace whose container runs is stopped again; a RUNNING one whose container is
 *       stopped moves to STOPPING and is stopped (the host reports it STOPPED).
 *   <li>A RUNNING record whose container now has another address (the engine restarted it): the
 *       record takes the new address, as the host's hostname entry already did.
 *   <li>A CREATING record whose container runs with an address and a hostname entry pointing at it:
 *       the create finished on the host and only its last reports are missing (lost with a crash of
 *       the runtime); the record moves to RUNNING with that container and address, without waiting
 *       for the sweeper's stuck deadline.
 * </ul>
 *
 * The workspace's hostname follows each repair ({@link WorkspaceHostnames}): it is published at the
 * container's address before the record is moved or finished there (the container has that address
 * whatever happens to the write), and withdrawn before the record is failed or removed. When the
 * record's write then loses to another writer, the hostname is set back to what the record says.
 *
 * <p>Containers of warm pool members nobody claimed yet are the pools' ({@link
 * WarmPools#reconcile}); a claimed member's container is its workspace's like any other, also while
 * its host has not yet made it the workspace's (the pools are told which ids have records).
 *
 * <p>Idempotent: a repeated inventory repeats only conditional writes and idempotent commands.
 */
@Singleton
public final class WorkspaceReconciler {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceReconciler.class);

  private final WorkspaceStore workspaces;
  private final HostCommandSender commands;
  private final IdGenerator ids;
  private final Clock clock;
  private final Duration grace;
  private final WorkspaceHostnames hostnames;
  private final WorkspaceLifecycle lifecycle;
  private final WorkspaceCommands workspaceCommands;
  private final ProjectService projects;
  private final AuditLog audit;
  private final WarmPools pools;

  /** How many times a hostname is set back after a lost write before it is left to the others. */
  private static final int HOSTNAME_RESETS = 3;

  /** The least news about a workspace's use worth a write. */
  static final Duration ACTIVITY_STEP = Duration.ofMinutes(1);

  @Inject
  public WorkspaceReconciler(
      WorkspaceStore workspaces,
      HostCommandSender commands,
      IdGenerator ids,
      Clock clock,
      FunctionsConfig config,
      WorkspaceHostnames hostnames,
      WorkspaceLifecycle lifecycle,
      WorkspaceCommands workspaceCommands,
      ProjectService projects,
      AuditLog audit,
      WarmPools pools) {
    this.pools = pools;
    this.lifecycle = lifecycle;
    this.workspaceCommands = workspaceCommands;
    this.projects = projects;
    this.audit = audit;
    this.workspaces = workspaces;
    this.commands = commands;
    this.ids = ids;
    this.clock = clock;
    this.grace = config.reconcileGrace();
    this.hostnames = hostnames;
  }

  /** Brings the host's records and containers in line. */
  public void reconcile(HostInventory inventory) {
    // Measured from when the inventory was taken: a late inventory must not condemn newer work.
    Instant taken = inventory.at().isBefore(clock.instant()) ? inventory.at() : clock.instant();
    Instant settled = taken.minus(grace);
    Map<String, HostInventory.Entry> containers = new HashMap<>();
    inventory.containers().forEach(c -> containers.put(c.workspaceId(), c));
    Map<String, Workspace> records = new HashMap<>();
    for (Workspace record : workspaces.onHost(inventory.hostId())) {
      records.put(record.workspaceId(), record);
      if (!containers.containsKey(record.workspaceId()) && record.updatedAt().isBefore(settled)) {
        repairRecordWithoutContainer(record);
      }
    }
    List<HostInventory.Entry> unclaimed = new ArrayList<>();
    for (HostInventory.Entry container : containers.values()) {
      if (container.unclaimedPoolMember()) {
        unclaimed.add(container);
        continue;
      }
      Workspace record = records.get(container.workspaceId());
      // Only a record settled before the inventory was taken: one written since (a stop and a start
      // that gave the container a newer address) knows better than this inventory.
      if (record != null
          && movedAddress(record, container)
          && record.updatedAt().isBefore(settled)) {
        readdress(record, container.ip());
      }
      if (record != null
          && finishedCreate(record, container)
          && record.updatedAt().isBefore(settled)) {
        finishCreate(record, container);
      }
      if (record != null && container.lastActiveAt() != null) {
        noteActivity(record, inventory.hostId(), container.lastActiveAt());
      }
      boolean stray = record == null || record.state() == WorkspaceState.FAILED;
      if (stray
          && container.createdAt().isBefore(settled)
          && (record == null || record.updatedAt().isBefore(settled))) {
        removeStray(inventory.hostId(), container, record);
      }
      if (record != null
          && record.updatedAt().isBefore(settled)
          && runsAgainstRecord(record, container, settled)) {
        align(record, container);
      }
    }
    pools.reconcile(inventory.hostId(), unclaimed, containers.keySet(), records.keySet(), settled);
    for (HostInventory.Home home :
        Objects.requireNonNullElse(inventory.homes(), List.<HostInventory.Home>of())) {
      if (!records.containsKey(home.workspaceId())
          && !containers.containsKey(home.workspaceId())
          && home.createdAt().isBefore(settled)
          && workspaces.get(home.userId(), home.workspaceId(), true).isEmpty()) {
        commands.send(
            DeleteWorkspace.of(
                ids.commandId(), inventory.hostId(), home.workspaceId(), home.userId()));
        log.atInfo()
            .addKeyValue("workspaceId", home.workspaceId())
            .addKeyValue("hostId", inventory.hostId())
            .addKeyValue("volume", home.volume())
            .log("home volume of no workspace: removal sent");
      }
    }
  }

  /**
   * Removes a container with no record (with its home) or whose record is FAILED (keeping its home
   * for a rebuild), deciding on a strongly consistent read: the index may lag, and a home is the
   * user's files.
   */
  private void removeStray(String hostId, HostInventory.Entry container, Workspace indexed) {
    Workspace record =
        workspaces.get(container.userId(), container.workspaceId(), true).orElse(null);
    boolean stillStray =
        indexed == null
            ? record == null
            : record != null
                && record.state() == WorkspaceState.FAILED
                && record.version() == indexed.version();
    if (!stillStray) {
      return;
    }
    commands.send(
        record == null
            ? DeleteWorkspace.of(
                ids.commandId(), hostId, container.workspaceId(), container.userId())
            : DeleteWorkspace.keepingHome(
                ids.commandId(), hostId, container.workspaceId(), container.userId()));
    log.atInfo()
        .addKeyValue("workspaceId", container.workspaceId())
        .addKeyValue("hostId", hostId)
        .addKeyValue("record", record == null ? "none" : record.state())
        .log("stray container: removal sent");
  }

  /**
   * Whether the container runs when its settled record says it should not, or the other way round:
   * a STOPPED workspace whose container runs (a start the sweeper gave up on finished late), or a
   * RUNNING one whose container stopped (a stop whose report was lost, such as the host's idle stop
   * with the daemon dying before it reported) and has been since before {@code settled}: the engine
   * restarts a container that exits on its own within moments, so one stopped that long was
   * stopped. Only an exited (or dead) container counts as stopped: one the engine lists as created
   * or being removed is a container the host is making or replacing for work still under way (a
   * create the sweep sent again, say), not the record's container having stopped.
   */
  private static boolean runsAgainstRecord(
      Workspace record, HostInventory.Entry container, Instant settled) {
    boolean running = "running".equals(container.state());
    boolean exited = "exited".equals(container.state()) || "dead".equals(container.state());
    return (record.state() == WorkspaceState.STOPPED && running)
        || (record.state() == WorkspaceState.RUNNING
            && exited
            && container.finishedAt() != null
            && container.finishedAt().isBefore(settled));
  }

  /** Stops the container of a STOPPED workspace; moves a RUNNING one whose container stopped on. */
  private void align(Workspace stale, HostInventory.Entry container) {
    Workspace record = workspaces.get(stale.userId(), stale.workspaceId(), true).orElse(null);
    if (record == null || record.version() != stale.version()) {
      return;
    }
    if (record.state() == WorkspaceState.STOPPED) {
      // The record is right; the host's stop of the same operation only stops the container again
      // and reports what the record already says.
      workspaceCommands.sendStop(record);
      log.atWarn()
          .addKeyValue("workspaceId", record.workspaceId())
          .addKeyValue("hostId", record.hostId())
          .log("container of a stopped workspace runs: stop sent");
      return;
    }
    Workspace stopping = record.begun(WorkspaceState.STOPPING, true, clock.instant());
    if (workspaces.replace(record, stopping)) {
      workspaceCommands.sendStop(stopping);
      log.atWarn()
          .addKeyValue("workspaceId", record.workspaceId())
          .addKeyValue("hostId", record.hostId())
          .addKeyValue("containerState", container.state())
          .log("container of a running workspace stopped: the record follows");
    }
  }

  /**
   * Records when the host last saw the workspace in use, when that is a while after what the record
   * knows (one write per {@link #ACTIVITY_STEP} at most, not one per inventory).
   */
  private void noteActivity(Workspace record, String hostId, Instant lastActiveAt) {
    Instant known = record.life().lastActiveAt();
    if (record.state() == WorkspaceState.RUNNING
        && (known == null || lastActiveAt.isAfter(known.plus(ACTIVITY_STEP)))) {
      workspaces.recordLastActive(record.userId(), record.workspaceId(), hostId, lastActiveAt);
    }
  }

  private static boolean movedAddress(Workspace record, HostInventory.Entry container) {
    return record.state() == WorkspaceState.RUNNING
        && container.ip() != null
        && container.containerId().equals(record.containerId())
        && !container.ip().equals(record.ip());
  }

  /**
   * A CREATING record whose create walked to its end on the host: its container runs, has an
   * address, and the host's hostname entry points at it, which the daemon writes only after every
   * other step. What is missing is the host's last reports (lost with a crash, or still queued).
   */
  private static boolean finishedCreate(Workspace record, HostInventory.Entry container) {
    return record.state() == WorkspaceState.CREATING
        && "running".equals(container.state())
        && container.ip() != null
        && Boolean.TRUE.equals(container.hostnameRegistered())
        && (record.containerId() == null || record.containerId().equals(container.containerId()));
  }

  private void finishCreate(Workspace stale, HostInventory.Entry container) {
    // Decide on a fresh read; the write is conditional on its version, and RUNNING admits no
    // further RUNNING, so the host's own late report (or a second inventory) changes nothing.
    Workspace record = workspaces.get(stale.userId(), stale.workspaceId(), true).orElse(null);
    if (record == null || !finishedCreate(record, container)) {
      return;
    }
    if (!record.state().canMoveTo(WorkspaceState.RUNNING, record.step(), null)) {
      return;
    }
    var running =
        record
            .withContainer(container.containerId(), container.ip())
            .moved(
                WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED, null, clock.instant());
    hostnames.publish(running);
    if (replaceKeepingHostname(record, running, running)) {
      log.atWarn()
          .addKeyValue("workspaceId", record.workspaceId())
          .addKeyValue("hostId", record.hostId())
          .addKeyValue("step", record.step())
          .addKeyValue("ip", container.ip())
          .log("create finished on the host without its last reports: workspace RUNNING");
    }
  }

  private void readdress(Workspace record, String ip) {
    Workspace moved = record.readdressed(ip, clock.instant());
    // First: if the record's write fails, the next inventory finds the move again, but a DNS write
    // after a successful record write would not be retried (the record would no longer differ).
    hostnames.publish(moved);
    if (replaceKeepingHostname(record, moved, moved)) {
      log.atWarn()
          .addKeyValue("workspaceId", record.workspaceId())
          .addKeyValue("hostId", record.hostId())
          .addKeyValue("was", record.ip())
          .addKeyValue("ip", ip)
          .log("container has a new address: record updated");
    }
  }

  /**
   * Makes the container of a RUNNING workspace that was removed outside A4C again: a rebuild onto
   * the image it ran, which keeps its home volume and hostname.
   */
  private void recreate(Workspace record) {
    // Before the write: a project deleted since must not leave the record REBUILDING unsent.
    io.a4c.functions.projects.Project project;
    try {
      project = projects.get(record.projectName());
    } catch (io.a4c.functions.projects.ProjectNotFoundException e) {
      var failed =
          record.moved(
              WorkspaceState.FAILED,
              record.step(),
              "its container was removed on host "
                  + record.hostId()
                  + " outside A4C and its project is gone; delete this workspace",
              clock.instant());
      hostnames.withdraw(record);
      replaceKeepingHostname(record, failed, null);
      return;
    }
    var rebuilding = lifecycle.rebuilding(record, record.imageRef(), record.change());
    hostnames.withdraw(record);
    if (replaceKeepingHostname(record, rebuilding.workspace(), null)) {
      // Audited once written, before the send: a send that fails leaves the record REBUILDING, and
      // the sweeper sends it again and carries it out.
      audit.record(
          Origin.system("reconciler"),
          "workspace.recreate",
          record.userId(),
          "workspace:" + record.workspaceId(),
          Map.of("hostId", record.hostId(), "imageRef", record.imageRef()));
      workspaceCommands.sendRebuild(rebuilding.workspace(), project, rebuilding.ssh());
      log.atWarn()
          .addKeyValue("workspaceId", record.workspaceId())
          .addKeyValue("hostId", record.hostId())
          .log("container gone: made again from its image, home kept");
    }
  }

  /**
   * Writes {@code next} over {@code record} if nobody wrote it in between. The hostname was written
   * first (see the class comment); when another writer won the record, that DNS write may be the
   * stale one — an address published for a workspace that stopped meanwhile, or older than the one
   * a newer report gave it, or a withdrawal of a workspace that runs on — so the hostname is set
   * back to what the record says now, and checked again until no write came in between (a writer
   * that moves the record later writes its hostname itself).
   *
   * @param published the workspace whose address this reconciler just published, or null when it
   *     withdrew the hostname
   * @return whether {@code next} was written
   */
  private boolean replaceKeepingHostname(Workspace record, Workspace next, Workspace published) {
    if (workspaces.replace(record, next)) {
      return true;
    }
    Workspace current = workspaces.get(record.userId(), record.workspaceId(), true).orElse(null);
    for (int round = 0; round < HOSTNAME_RESETS; round++) {
      if (current != null && WorkspaceHostnames.resolves(current)) {
        hostnames.publish(current);
        published = current;
      } else if (published != null) {
        hostnames.withdraw(published); // only if it still points at what was published
        published = null;
      }
      Workspace after = workspaces.get(record.userId(), record.workspaceId(), true).orElse(null);
      if (current == null ? after == null : after != null && after.version() == current.version()) {
        return false;
      }
      current = after;
    }
    log.atWarn()
        .addKeyValue("workspaceId", record.workspaceId())
        .addKeyValue("hostId", record.hostId())
        .log("hostname reset after a lost write kept racing other writes; left to them");
    return false;
  }

  private void repairRecordWithoutContainer(Workspace stale) {
    // The index is eventually consistent: decide on a fresh, strongly consistent read.
    Workspace record = workspaces.get(stale.userId(), stale.workspaceId(), true).orElse(null);
    if (record == null || !record.updatedAt().equals(stale.updatedAt())) {
      return;
    }
    switch (record.state()) {
      case DELETING -> {
        hostnames.withdraw(record);
        if (workspaces.removeReleasing(record)) {
          log.atInfo()
              .addKeyValue("workspaceId", record.workspaceId())
              .log("delete finished by the reconciler");
        }
      }
      case RUNNING -> recreate(record);
      default -> {
        // Work in flight belongs to the sweeper; FAILED has nothing left to repair; a STOPPED
        // workspace without its container says so when started (a rebuild makes one again).
      }
    }
  }
}
