package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param workingOn the workspaces (warm pool members included) whose commands the daemon has in
 *     hand as it sends the beat: received and not yet ended — being carried out, waiting for a
 *     command thread, or behind an earlier one of the same workspace. A create that is slow rather
 *     than lost is listed, so the sweeper leaves it be ({@code StuckWorkspaces}); at most {@link
 *     #MAX_WORKING_ON}, empty from a daemon that predates it
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
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> workingOn,
    Instant sentAt)
    implements HostEvent {
  /**
   * The most workspace ids a beat lists as in hand: 1,000 ids of 40 characters are 43 KB of JSON,
   * which with the images' 130 KB at most keeps a beat under SQS's 256 KiB.
   */
  public static final int MAX_WORKING_ON = 1_000;

  public Heartbeat {
    Versions.require("Heartbeat", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(sentAt, "sentAt");
    images = List.copyOf(Objects.requireNonNullElse(images, List.of()));
    workingOn = List.copyOf(Objects.requireNonNullElse(workingOn, List.of()));
    if (workingOn.size() > MAX_WORKING_ON) {
      throw new IllegalArgumentException(
          "a heartbeat lists at most " + MAX_WORKING_ON + " workspaces in hand");
    }
    workingOn.forEach(id -> Names.require("workingOn", id, Names.WORKSPACE_ID));
    if (diskUsedBytes < 0 || diskTotalBytes < 0 || capacity < 0 || runningWorkspaces < 0) {
      throw new IllegalArgumentException("heartbeat figures must not be negative");
    }
  }

  /** A version-1 heartbeat with no workspace in hand ({@link #withWorkingOn}). */
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
        List.of(),
        sentAt);
  }

  /** This beat listing {@code ids} as the workspaces in hand. */
  public Heartbeat withWorkingOn(List<String> ids) {
    return new Heartbeat(
        version,
        hostId,
        arch,
        diskUsedBytes,
        diskTotalBytes,
        images,
        capacity,
        runningWorkspaces,
        ids,
        sentAt);
  }
}
