package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.NoHostAvailableException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import javax.inject.Inject;

/**
 * Chooses where a workspace goes, after the design: among ACTIVE hosts of the requested arch with a
 * fresh heartbeat that hold the image and have room left, the least disk in use first. An image in
 * a registry (a build's) may also go to hosts that lack it, after the holders: their daemon pulls
 * it first. Pure and thread-safe; the reservation that makes the choice stick is a conditional
 * write elsewhere.
 */
public final class LeastDiskPlacement {
  /** A host whose disk is fuller than this share takes no new workspace. */
  static final double MAX_DISK_SHARE = 0.95;

  private final Duration staleAfter;

  @Inject
  public LeastDiskPlacement(FunctionsConfig config) {
    this(config.hostStaleAfter());
  }

  LeastDiskPlacement(Duration staleAfter) {
    this.staleAfter = staleAfter;
  }

  /**
   * The hosts that may take the workspace, best first (least disk used; then fewest workspaces).
   *
   * @throws NoHostAvailableException naming the first condition no host met
   */
  public List<Host> candidates(List<Host> hosts, Arch arch, String imageRef, Instant now) {
    var ofArch = hosts.stream().filter(h -> h.arch() == arch).toList();
    if (ofArch.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_HOST_FOR_ARCH, "no host of arch " + arch.wireName() + " is registered");
    }
    var holding = ofArch.stream().filter(h -> h.images().contains(imageRef)).toList();
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
    var byDisk =
        Comparator.comparingLong(Host::diskUsedBytes)
            .thenComparingInt(Host::assignedWorkspaces)
            .thenComparing(Host::hostId);
    // Hosts that hold the image first; for a registry image the others after them (they pull it).
    var candidates =
        new java.util.ArrayList<>(
            live.stream()
                .filter(holding::contains)
                .filter(LeastDiskPlacement::hasRoom)
                .sorted(byDisk)
                .toList());
    live.stream()
        .filter(h -> !holding.contains(h))
        .filter(LeastDiskPlacement::hasRoom)
        .sorted(byDisk)
        .forEach(candidates::add);
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
