package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A host as its last heartbeat described it, plus what A4C has placed there.
 *
 * @param assignedWorkspaces workspace records placed on this host and not yet deleted; the
 *     reservation counter that placement checks against {@code capacity}
 * @param lastHeartbeatAt when its last heartbeat was applied, by this side's clock (not the
 *     host's): what liveness is judged by
 */
public record Host(
    String hostId,
    Arch arch,
    HostStatus status,
    long diskUsedBytes,
    long diskTotalBytes,
    List<String> images,
    int capacity,
    int runningWorkspaces,
    int assignedWorkspaces,
    Instant lastHeartbeatAt) {
  public Host {
    images = List.copyOf(images);
  }

  /** Whether the last heartbeat is recent enough to trust. */
  public boolean heartbeatFresh(Instant now, Duration staleAfter) {
    return lastHeartbeatAt != null && !lastHeartbeatAt.isBefore(now.minus(staleAfter));
  }
}
