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
 * Chooses where a workspace goes, after the design: among ACTIVE hosts of the requested arch with
 * a fresh heartbeat that hold the image and have room left, the least disk in use first. Pure and
 * thread-safe; the reservation that makes the choice stick is a conditional write elsewhere.
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
      throw new NoHostAvailableException(Reason.NO_HOST_FOR_ARCH, "no host of arch " + arch.wireName() + " is registered");
    }
    var holding = ofArch.stream().filter(h -> h.images().contains(imageRef)).toList();
    if (holding.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.IMAGE_NOT_ON_ANY_HOST, "no host of arch " + arch.wireName() + " holds image " + imageRef);
    }
    var live =
        holding.stream().filter(h -> h.status() == HostStatus.ACTIVE && h.heartbeatFresh(now, staleAfter)).toList();
    if (live.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_LIVE_HOST,
          "every host holding image " + imageRef + " is draining, down or silent for over " + staleAfter.toSeconds() + " s: "
              + holding.stream().map(h -> h.hostId() + " (" + h.status() + ")").toList());
    }
    var roomy = live.stream().filter(LeastDiskPlacement::hasRoom).toList();
    if (roomy.isEmpty()) {
      throw new NoHostAvailableException(
          Reason.NO_CAPACITY, "every host holding image " + imageRef + " is at its workspace or disk capacity");
    }
    return roomy.stream()
        .sorted(
            Comparator.comparingLong(Host::diskUsedBytes)
                .thenComparingInt(Host::assignedWorkspaces)
                .thenComparing(Host::hostId))
        .toList();
  }

  private static boolean hasRoom(Host host) {
    boolean diskRoom =
        host.diskTotalBytes() == 0 || host.diskUsedBytes() < host.diskTotalBytes() * MAX_DISK_SHARE;
    return host.assignedWorkspaces() < host.capacity() && diskRoom;
  }
}
