package io.a4c.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A host's periodic report: what it is, how full it is and what it holds. The consumer keeps only
 * the newest one per host, so a late heartbeat never overwrites a fresher one.
 *
 * @param diskUsedBytes bytes Docker holds on this host (images, container layers, volumes)
 * @param diskTotalBytes size of the filesystem under Docker's data root
 * @param images image references present on the host's engine
 * @param capacity how many workspaces this host may run
 * @param runningWorkspaces A4C containers running now
 */
public record Heartbeat(
    int version,
    String hostId,
    Arch arch,
    long diskUsedBytes,
    long diskTotalBytes,
    List<String> images,
    int capacity,
    int runningWorkspaces,
    Instant sentAt)
    implements HostEvent {
  public Heartbeat {
    Versions.require("Heartbeat", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(sentAt, "sentAt");
    images = List.copyOf(Objects.requireNonNullElse(images, List.of()));
    if (diskUsedBytes < 0 || diskTotalBytes < 0 || capacity < 0 || runningWorkspaces < 0) {
      throw new IllegalArgumentException("heartbeat figures must not be negative");
    }
  }

  /** A version-1 heartbeat. */
  public static Heartbeat of(
      String hostId,
      Arch arch,
      long diskUsedBytes,
      long diskTotalBytes,
      List<String> images,
      int capacity,
      int runningWorkspaces,
      Instant sentAt) {
    return new Heartbeat(
        Versions.CURRENT,
        hostId,
        arch,
        diskUsedBytes,
        diskTotalBytes,
        images,
        capacity,
        runningWorkspaces,
        sentAt);
  }
}
