package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.FillPool;
import io.a4c.events.HostInventory;
import io.a4c.events.PoolMemberStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.hosts.LeastDiskPlacement;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.logging.SweepFailures;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.ImageStore;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectStore;
import io.a4c.functions.warmpool.PoolMember;
import io.a4c.functions.warmpool.WarmPoolStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each project's warm pools (see docs/warm-pool.md): per parent and arch with a completed
 * image, {@code warmPool.size} members of the newest image made and running on the hosts, for
 * nobody. {@link #maintain} (every sweep) fills what is missing, placed as a workspace would be,
 * and drains what is no longer wanted: members of an older image or an older setup or size, of a
 * project or parent that is gone, on a host that is DRAINING or DOWN, beyond the size, or whose
 * fill was lost. Hosts report members ready or failed ({@link #apply}); their inventories find
 * members without a container and containers without a member ({@link #reconcile}). A create takes
 * a member with {@link #claimable} and one conditional write ({@link
 * WorkspaceStore#insertClaiming}), then places its successor at once ({@link #refill}). Every write
 * is conditional, so two sweeps (or a sweep and a create's refill) at once fill no more than one
 * would, apart from a member each that the next drains.
 */
@Singleton
public final class WarmPools {
  private static final Logger log = LoggerFactory.getLogger(WarmPools.class);

  /** How long a claimed member is remembered after its claim (see {@link PoolMember.State}). */
  static final Duration CLAIMED_KEPT = Duration.ofHours(1);

  /** What one maintenance did, for logs and tests. */
  public record Result(int filled, int drained) {}

  /** A pool some project wants now: its newest image and how its members are made. */
  private record Wanted(Project project, Image image, String specKey, int size) {}

  private final WarmPoolStore members;
  private final ProjectStore projects;
  private final ImageStore images;
  private final HostStore hosts;
  private final io.a4c.functions.hosts.HostImageStore hostImages;
  private final LeastDiskPlacement placement;
  private final HostCommandSender commands;
  private final IdGenerator ids;
  private final Clock clock;
  private final String domain;
  private final int defaultIdleStopMinutes;
  private final Duration stuckAfter;
  private final Duration hostStaleAfter;

  @Inject
  public WarmPools(
      WarmPoolStore members,
      ProjectStore projects,
      ImageStore images,
      HostStore hosts,
      io.a4c.functions.hosts.HostImageStore hostImages,
      LeastDiskPlacement placement,
      HostCommandSender commands,
      IdGenerator ids,
      Clock clock,
      FunctionsConfig config) {
    this.members = members;
    this.projects = projects;
    this.images = images;
    this.hosts = hosts;
    this.hostImages = hostImages;
    this.placement = placement;
    this.commands = commands;
    this.ids = ids;
    this.clock = clock;
    this.domain = config.workspaceDomain();
    this.defaultIdleStopMinutes = config.idleStopMinutes();
    this.stuckAfter = config.stuckAfter();
    this.hostStaleAfter = config.hostStaleAfter();
  }

  /**
   * What a project's workspace containers are made with besides their image and name: its setup,
   * size and idle stop. A member made with another is replaced rather than claimed.
   */
  String specKey(Project project) {
    var size = project.config().workspaceSize();
    return Integer.toHexString(
        Objects.hash(
            project.config().setup(),
            size.cpus(),
            size.memoryMb(),
            size.pids(),
            project.config().lifecycle().idleStopMinutesOr(defaultIdleStopMinutes)));
  }

  /**
   * The members a create of {@code image} for {@code project} may claim, in random order (so
   * concurrent creates mostly try different ones): READY, of that image and the project's current
   * setup and size, on a host of {@code fleet} that takes workspaces now (ACTIVE, its heartbeat
   * fresh: placement's rule), so a claim never hands out a member of a host that is down. Empty
   * when the project keeps no pool.
   */
  List<PoolMember> claimable(Project project, Image image, List<Host> fleet, Instant now) {
    if (project.config().warmPool().sizeOrNone() == 0) {
      return List.of();
    }
    String specKey = specKey(project);
    Set<String> live =
        fleet.stream()
            .filter(h -> h.status() == HostStatus.ACTIVE && h.heartbeatFresh(now, hostStaleAfter))
            .map(Host::hostId)
            .collect(Collectors.toSet());
    var ready =
        new ArrayList<>(
            members
                .members(Image.key(image.projectName(), image.parentName(), image.arch()))
                .stream()
                .filter(m -> m.state() == PoolMember.State.READY)
                .filter(m -> m.imageRef().equals(image.imageRef()))
                .filter(m -> m.specKey().equals(specKey))
                .filter(m -> live.contains(m.hostId()))
                .toList());
    Collections.shuffle(ready);
    return ready;
  }

  /**
   * After a create claimed a member of the pool of {@code image}: places one member in its stead at
   * once, as the sweep would (one conditional write that takes a host slot, then the host's fill
   * command), so the pool is back to its size without waiting for the next sweep. Nothing when the
   * pool holds its size of members already (made or being made), e.g. a sweep filled it since.
   *
   * @return whether a member was placed
   */
  boolean refill(Project project, Image image, List<Host> fleet, Set<String> holders, Instant now) {
    int size = project.config().warmPool().sizeOrNone();
    String pool = Image.key(image.projectName(), image.parentName(), image.arch());
    String specKey = specKey(project);
    long live =
        members.members(pool).stream()
            .filter(PoolMember::live)
            .filter(m -> m.imageRef().equals(image.imageRef()) && m.specKey().equals(specKey))
            .count();
    return live < size
        && fill(pool, new Wanted(project, image, specKey, size), fleet, holders, now);
  }

  /** Applies a host's report on a member it was told to make. */
  public void apply(PoolMemberStatus status) {
    var member = members.get(status.pool(), status.workspaceId()).orElse(null);
    if (member == null || !member.hostId().equals(status.hostId())) {
      log.atInfo()
          .addKeyValue("workspaceId", status.workspaceId())
          .addKeyValue("hostId", status.hostId())
          .log("report for a pool member that is gone or not that host's; dropped");
      return;
    }
    if (status.ready()) {
      if (members.markReady(
          status.pool(), status.workspaceId(), status.containerId(), status.ip(), status.at())) {
        log.atInfo()
            .addKeyValue("workspaceId", status.workspaceId())
            .addKeyValue("hostId", status.hostId())
            .addKeyValue("pool", status.pool())
            .log("pool member ready");
      }
      return;
    }
    if (members.removeReleasing(member)) {
      log.atWarn()
          .addKeyValue("workspaceId", status.workspaceId())
          .addKeyValue("hostId", status.hostId())
          .addKeyValue("pool", status.pool())
          .log("pool member failed and was removed: {}", status.reason());
    }
  }

  /**
   * One round over every pool wanted or listed: drains what is not wanted, fills what is missing.
   * Each pool, and each member of it, has its turn whatever happened to the ones before: one that
   * fails (a DynamoDB error reading or removing it, an image that cannot be read) is logged and
   * passed over, and once every other pool was maintained the round throws the first failure, so
   * the sweep counts it as an error (see {@link SweepFailures}). A pool whose wanted image could
   * not be read is left as it is this round: taken for unwanted, it would be drained.
   */
  public Result maintain() {
    Instant now = clock.instant();
    var failures = new SweepFailures("warm pools");
    Map<String, Wanted> wanted = new HashMap<>();
    Set<String> unknown = new HashSet<>();
    for (Project project : projects.all()) {
      int size = project.config().warmPool().sizeOrNone();
      if (size == 0) {
        continue;
      }
      String specKey = specKey(project);
      for (String parent : project.config().parents()) {
        for (Arch arch : Arch.values()) {
          String pool = Image.key(project.projectName(), parent, arch);
          boolean read =
              failures.run(
                  pool + " (its newest image)",
                  () -> {
                    images
                        .newestCompleted(project.projectName(), parent, arch)
                        .ifPresent(
                            image -> wanted.put(pool, new Wanted(project, image, specKey, size)));
                    return true;
                  },
                  false);
          if (!read) {
            unknown.add(pool);
          }
        }
      }
    }
    Set<String> pools = new LinkedHashSet<>(members.pools());
    pools.addAll(wanted.keySet());
    pools.removeAll(unknown);
    List<Host> fleet = pools.isEmpty() ? List.of() : hosts.all();
    Map<String, HostStatus> notLive = new HashMap<>();
    // Members whose fill a live host listed as in hand since the stuck deadline: being made.
    Set<String> inHand = new HashSet<>();
    for (Host host : fleet) {
      if (host.status() == HostStatus.DRAINING || host.status() == HostStatus.DOWN) {
        notLive.put(host.hostId(), host.status());
      } else {
        inHand.addAll(host.inHandSince(now.minus(stuckAfter)));
      }
    }
    int filled = 0;
    int drained = 0;
    for (String pool : pools) {
      var done =
          failures.run(
              pool,
              () -> maintainPool(pool, wanted.get(pool), fleet, notLive, inHand, now, failures),
              new Result(0, 0));
      filled += done.filled();
      drained += done.drained();
    }
    failures.rethrow();
    return new Result(filled, drained);
  }

  /** What became of one member in a round. */
  private enum Kept {
    LIVE,
    DRAINED,
    NONE
  }

  /**
   * One pool's round: its members drained or kept, then filled up to its size. A member that cannot
   * be handled was being drained or forgotten, so it is not counted live either way; the next round
   * tries it again.
   */
  private Result maintainPool(
      String pool,
      Wanted want,
      List<Host> fleet,
      Map<String, HostStatus> notLive,
      Set<String> inHand,
      Instant now,
      SweepFailures failures) {
    int live = 0;
    int drained = 0;
    var current = members.members(pool);
    for (PoolMember member : current) {
      int liveSoFar = live;
      switch (failures.run(
          pool + " member " + member.memberId(),
          () ->
              maintainMember(
                  member,
                  want,
                  liveSoFar,
                  now,
                  notLive.get(member.hostId()),
                  inHand.contains(member.memberId())),
          Kept.NONE)) {
        case LIVE -> live++;
        case DRAINED -> drained++;
        case NONE -> {}
      }
    }
    if (want == null) {
      if (current.isEmpty()) {
        members.forgetPool(pool);
      }
      return new Result(0, drained);
    }
    int filled = 0;
    if (live < want.size()) {
      var holders = hostImages.holders(want.image().imageRef());
      for (int i = live; i < want.size() && fill(pool, want, fleet, holders, now); i++) {
        filled++;
      }
    }
    return new Result(filled, drained);
  }

  /** One member's round: a claim remembered long enough is forgotten, an unwanted one drained. */
  private Kept maintainMember(
      PoolMember member,
      Wanted want,
      int live,
      Instant now,
      HostStatus hostStatus,
      boolean inHand) {
    if (member.state() == PoolMember.State.CLAIMED) {
      if (member.updatedAt().isBefore(now.minus(CLAIMED_KEPT))) {
        members.forgetClaimed(member);
      }
      return Kept.NONE;
    }
    String why = unwanted(member, want, live, now, hostStatus, inHand);
    if (why == null) {
      return Kept.LIVE;
    }
    return drain(member, why) ? Kept.DRAINED : Kept.NONE;
  }

  /**
   * Why {@code member} goes, or null when it stays; {@code live} members of its pool stay so far.
   *
   * @param hostStatus its host's status when that host takes no workspaces (DRAINING or DOWN), else
   *     null
   * @param inHand whether its live host listed its fill as in hand lately: being made, so a fill
   *     slower than the stuck deadline is waited for (up to {@link
   *     StuckWorkspaces#IN_HAND_DEADLINES} deadlines), not drained and made again
   */
  private String unwanted(
      PoolMember member,
      Wanted want,
      int live,
      Instant now,
      HostStatus hostStatus,
      boolean inHand) {
    if (want == null) {
      return "its project no longer keeps this pool";
    }
    if (hostStatus != null) {
      // Never claimed there (claimable asks for a live host), yet it would count towards the size
      // and hold a slot for good: the pool is filled on a live host instead.
      return "its host is " + hostStatus;
    }
    if (!member.imageRef().equals(want.image().imageRef())) {
      return "the pool's image is now " + want.image().imageRef();
    }
    if (!member.specKey().equals(want.specKey())) {
      return "the project's setup or size changed";
    }
    if (member.state() == PoolMember.State.FILLING
        && member.updatedAt().isBefore(now.minus(stuckAfter))
        && !(inHand
            && member
                .updatedAt()
                .isAfter(now.minus(stuckAfter.multipliedBy(StuckWorkspaces.IN_HAND_DEADLINES))))) {
      return "its host did not report it made in " + stuckAfter.toSeconds() + " s";
    }
    if (live >= want.size()) {
      return "the pool is larger than its size " + want.size();
    }
    return null;
  }

  /**
   * Places one new member on the best host with room, as a create would, and tells that host to
   * make it.
   *
   * @return false when no host could take it
   * @throws IllegalStateException when its command could not be sent (the member's record and slot
   *     are given back first)
   */
  private boolean fill(
      String pool, Wanted want, List<Host> fleet, Set<String> holders, Instant now) {
    List<Host> candidates;
    try {
      candidates =
          placement.candidates(fleet, holders, want.image().arch(), want.image().imageRef(), now);
    } catch (NoHostAvailableException e) {
      log.atInfo().addKeyValue("pool", pool).log("pool not filled: {}", e.getMessage());
      return false;
    }
    String memberId = ids.workspaceId();
    for (Host host : candidates) {
      var member =
          PoolMember.filling(
              pool, memberId, host.hostId(), want.image().imageRef(), want.specKey(), now);
      try {
        members.insertFilling(member);
      } catch (WarmPoolStore.HostFull e) {
        continue;
      }
      try {
        commands.send(
            FillPool.of(
                ids.commandId(),
                host.hostId(),
                memberId,
                pool,
                want.project()
                    .workspaceSpec(
                        want.image().imageRef(), memberId + "." + domain, defaultIdleStopMinutes)));
      } catch (RuntimeException e) {
        // Nothing of the member stays; the pool's failure counts as the sweep's error (the
        // operator's alarm), and the next sweep fills it again.
        members.removeReleasing(member);
        throw new IllegalStateException(
            "pool fill not sent to host " + host.hostId() + "; filled again next sweep", e);
      }
      log.atInfo()
          .addKeyValue("pool", pool)
          .addKeyValue("workspaceId", memberId)
          .addKeyValue("hostId", host.hostId())
          .log("pool member placed");
      return true;
    }
    return false;
  }

  /**
   * Removes an unclaimed member (its slot back) and tells its host to remove its container: at
   * once, or, for a host that is down, when it is back and reads its queue.
   */
  private boolean drain(PoolMember member, String why) {
    if (!members.removeReleasing(member)) {
      return false; // claimed or removed meanwhile
    }
    try {
      commands.send(
          DeleteWorkspace.of(
              ids.commandId(), member.hostId(), member.memberId(), FillPool.UNCLAIMED));
    } catch (RuntimeException e) {
      // The member is gone: the host's next inventory shows a container of no member, removed then.
      log.atWarn()
          .addKeyValue("workspaceId", member.memberId())
          .setCause(e)
          .log("pool member removal not sent; left to the reconciler");
    }
    log.atInfo()
        .addKeyValue("pool", member.pool())
        .addKeyValue("workspaceId", member.memberId())
        .addKeyValue("hostId", member.hostId())
        .log("pool member drained: {}", why);
    return true;
  }

  /**
   * The pool half of a host's inventory: an unclaimed member's container whose member is gone and
   * that no workspace owns is removed (with its home); a READY member of this host whose container
   * is gone, or no longer runs, is drained. Only what is older than {@code settled} is touched.
   *
   * @param unclaimed the inventory's unclaimed pool members
   * @param listed the workspace ids of every container the inventory lists
   * @param owned the workspace ids of the records placed on this host: a member claimed by one of
   *     them is that workspace's container, though its host has not personalised it yet (its create
   *     still queued behind a host that was down) and the pool has forgotten the claim
   */
  void reconcile(
      String hostId,
      Collection<HostInventory.Entry> unclaimed,
      Set<String> listed,
      Set<String> owned,
      Instant settled) {
    Map<String, HostInventory.Entry> running = new HashMap<>();
    for (HostInventory.Entry entry : unclaimed) {
      if ("running".equals(entry.state())) {
        running.put(entry.workspaceId(), entry);
      }
      if (entry.createdAt().isBefore(settled)
          && !owned.contains(entry.workspaceId())
          && members.get(entry.pool(), entry.workspaceId()).isEmpty()) {
        commands.send(
            DeleteWorkspace.of(ids.commandId(), hostId, entry.workspaceId(), FillPool.UNCLAIMED));
        log.atInfo()
            .addKeyValue("workspaceId", entry.workspaceId())
            .addKeyValue("hostId", hostId)
            .log("pool container of no member: removal sent");
      }
    }
    for (String pool : members.pools()) {
      for (PoolMember member : members.members(pool)) {
        if (member.hostId().equals(hostId)
            && member.state() == PoolMember.State.READY
            && member.updatedAt().isBefore(settled)
            && !running.containsKey(member.memberId())) {
          drain(
              member,
              listed.contains(member.memberId())
                  ? "its container no longer runs"
                  : "its container is gone from its host");
        }
      }
    }
  }
}
