package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.NoHostAvailableException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Chooses where a workspace goes, after the design: among ACTIVE hosts of the requested arch with a
 * fresh heartbeat that hold the image and have room left, the least disk in use first. An image in
 * a registry (a build's) may also go to hosts that lack it, after the holders: their daemon pulls
 * it first. The reservation that makes the choice stick is a conditional write elsewhere.
 *
 * <p>A heartbeat's disk figure lags: a host's disk in use counts, besides the figure, {@link
 * #PLACED_WORKSPACE_BYTES} for each workspace placed there since that heartbeat ({@link
 * Host#placedSinceHeartbeat()}). Hosts whose disk in use is within {@link #TIE_BYTES} of the least
 * are tied: up to {@link #SPREAD} of them lead the list in turn — each placement by this instance
 * starts the tied hosts one further along, from a random first turn — so creates that read the
 * hosts at the same moment (a burst) do not all go to the same one: in one function instance they
 * take the tied hosts round robin, and instances started apart begin at different hosts.
 * Thread-safe.
 */
@Singleton
public final class LeastDiskPlacement {
  /** A host whose disk is fuller than this share takes no new workspace. */
  static final double MAX_DISK_SHARE = 0.95;

  /**
   * What a workspace placed since the host's last heartbeat is taken to add to its disk in use: its
   * writable layer and home as they grow in the first hours.
   */
  static final long PLACED_WORKSPACE_BYTES = 1L << 30;

  /** Hosts whose disk in use differs by less than this are tied. */
  static final long TIE_BYTES = PLACED_WORKSPACE_BYTES;

  /** How many tied hosts at most take turns at the head of the list. */
  static final int SPREAD = 3;

  private final Duration staleAfter;

  /** The next placement's turn among the tied hosts. */
  private final AtomicInteger turn;

  @Inject
  public LeastDiskPlacement(FunctionsConfig config) {
    this(config.hostStaleAfter(), () -> ThreadLocalRandom.current().nextLong());
  }

  LeastDiskPlacement(Duration staleAfter, RandomGenerator random) {
    this.staleAfter = staleAfter;
    this.turn = new AtomicInteger(random.nextInt(SPREAD));
  }

  /**
   * The hosts that may take the workspace, best first: the holders of the image, then (for a
   * registry image) the others; each group by least disk in use (counting placements since the
   * heartbeat), then fewest workspaces, with the tied hosts at its head in turn.
   *
   * @param holders the ids of the hosts that hold {@code imageRef} ({@link HostImageStore#holders})
   * @throws NoHostAvailableException naming the first condition no host met
   */
  public List<Host> candidates(
      List<Host> hosts, Set<String> holders, Arch arch, String imageRef, Instant now) {
    var ofArch = hosts.stream().filter(h -> h.arch() == arch).toList();
    if (ofArch.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_HOST_FOR_ARCH, "no host of arch " + arch.wireName() + " is registered");
    }
    var holding = ofArch.stream().filter(h -> holders.contains(h.hostId())).toList();
    // A registry image (a build's) can be pulled by any host: the daemon pulls before create.
    boolean pullable = inRegistry(imageRef);
    if (holding.isEmpty() && !pullable) {
      throw new NoHostAvailableException(
          Reason.IMAGE_NOT_ON_ANY_HOST,
          "no host of arch " + arch.wireName() + " holds image " + imageRef);
    }
    var eligible = pullable ? ofArch : holding;
    var live =
        eligible.stream()
            .filter(h -> h.status() == HostStatus.ACTIVE && h.heartbeatFresh(now, staleAfter))
            .toList();
    if (live.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_LIVE_HOST,
          "every host "
              + (pullable ? "of arch " + arch.wireName() : "holding image " + imageRef)
              + " is draining, down or silent for over "
              + staleAfter.toSeconds()
              + " s: "
              + eligible.stream().map(h -> h.hostId() + " (" + h.status() + ")").toList());
    }
    // Hosts that hold the image first; for a registry image the others after them (they pull it).
    var candidates = new ArrayList<>(spread(live.stream().filter(holding::contains).toList()));
    candidates.addAll(spread(live.stream().filter(h -> !holding.contains(h)).toList()));
    if (candidates.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_CAPACITY,
          "every host "
              + (pullable ? "of arch " + arch.wireName() : "holding image " + imageRef)
              + " is at its workspace or disk capacity");
    }
    return List.copyOf(candidates);
  }

  /**
   * The hosts with room, least disk in use first, then fewest workspaces; the head's ties (at most
   * {@link #SPREAD}) rotated by this placement's turn.
   */
  private List<Host> spread(List<Host> hosts) {
    var byDisk =
        Comparator.comparingLong(LeastDiskPlacement::diskInUse)
            .thenComparingInt(Host::assignedWorkspaces)
            .thenComparing(Host::hostId);
    var ordered =
        new ArrayList<>(hosts.stream().filter(LeastDiskPlacement::hasRoom).sorted(byDisk).toList());
    int tied = 0;
    while (tied < Math.min(SPREAD, ordered.size())
        && diskInUse(ordered.get(tied)) - diskInUse(ordered.get(0)) < TIE_BYTES) {
      tied++;
    }
    if (tied > 1) {
      Collections.rotate(ordered.subList(0, tied), -Math.floorMod(turn.getAndIncrement(), tied));
    }
    return ordered;
  }

  /**
   * The host's disk in use as placement weighs it: the heartbeat's, plus placements since. Image
   * prefetch orders hosts by it too.
   */
  public static long diskInUse(Host host) {
    return host.diskUsedBytes() + host.placedSinceHeartbeat() * PLACED_WORKSPACE_BYTES;
  }

  /**
   * Whether the reference names a registry ({@code host.domain/…} or {@code host:port/…}) to pull
   * from.
   */
  static boolean inRegistry(String imageRef) {
    int slash = imageRef.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String first = imageRef.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  private static boolean hasRoom(Host host) {
    boolean diskRoom =
        host.diskTotalBytes() == 0 || host.diskUsedBytes() < host.diskTotalBytes() * MAX_DISK_SHARE;
    return host.assignedWorkspaces() < host.capacity() && diskRoom;
  }
}
