package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A host as its last heartbeat described it, plus what A4C has placed there.
 *
 * @param images the images it holds: only in the admins' view ({@link #withImages}); empty as the
 *     hosts table gives it, since which hosts hold an image is {@link HostImageStore}'s
 * @param assignedWorkspaces workspace records placed on this host and not yet deleted; the
 *     reservation counter that placement checks against {@code capacity}
 * @param lastHeartbeatAt when its last heartbeat was applied, by this side's clock (not the
 *     host's): what liveness is judged by
 * @param placedSinceHeartbeat workspaces placed here since the last heartbeat was applied (moved
 *     with the reservation, reset by each heartbeat): what the heartbeat's disk figure cannot show
 *     yet, which placement adds to it so a burst of creates does not all go to one host
 * @param workingOn the workspaces (warm pool members included) whose commands the host's daemon had
 *     in hand at its last heartbeat: the sweeper leaves their work be while they are listed ({@code
 *     StuckWorkspaces}, {@code WarmPools})
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
    int placedSinceHeartbeat,
    Instant lastHeartbeatAt,
    List<String> workingOn) {
  public Host {
    images = List.copyOf(images);
    workingOn = List.copyOf(workingOn);
  }

  /** This host with the images it holds ({@link HostImageStore#imagesOf}), for the admins' view. */
  public Host withImages(List<String> held) {
    return new Host(
        hostId,
        arch,
        status,
        diskUsedBytes,
        diskTotalBytes,
        held,
        capacity,
        runningWorkspaces,
        assignedWorkspaces,
        placedSinceHeartbeat,
        lastHeartbeatAt,
        workingOn);
  }

  /** This host with another status, as an admin sets it. */
  public Host withStatus(HostStatus to) {
    return new Host(
        hostId,
        arch,
        to,
        diskUsedBytes,
        diskTotalBytes,
        images,
        capacity,
        runningWorkspaces,
        assignedWorkspaces,
        placedSinceHeartbeat,
        lastHeartbeatAt,
        workingOn);
  }

  /**
   * What this host had in hand ({@link #workingOn}) if it is not DOWN and its last heartbeat was
   * applied at or after {@code since}; none otherwise: the one rule by which the sweeps leave a
   * host's work to it.
   */
  public List<String> inHandSince(Instant since) {
    return status != HostStatus.DOWN && lastHeartbeatAt != null && !lastHeartbeatAt.isBefore(since)
        ? workingOn
        : List.of();
  }

  /** Whether the last heartbeat is recent enough to trust. */
  public boolean heartbeatFresh(Instant now, Duration staleAfter) {
    return lastHeartbeatAt != null && !lastHeartbeatAt.isBefore(now.minus(staleAfter));
  }
}
