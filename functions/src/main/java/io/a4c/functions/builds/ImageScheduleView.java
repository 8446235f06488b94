package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import java.time.Instant;
import java.util.List;

/**
 * An image schedule as the API shows it.
 *
 * @param change the change asked for, or (recurring builds) the one the builder resolved
 * @param imageHosts hosts whose last heartbeat lists the image
 * @param logPath where the build's log is read
 * @param waiting for SCHEDULED builds: position and why it waits
 */
public record ImageScheduleView(
    String scheduleId,
    String userId,
    String imageName,
    String projectName,
    String parentName,
    Arch arch,
    String change,
    BuildKind kind,
    BuildStatus status,
    int attempts,
    String workerId,
    String hostId,
    String imageRef,
    String digest,
    List<String> imageHosts,
    String reason,
    String logPath,
    Instant scheduledAt,
    Instant startedAt,
    Instant endedAt,
    Instant updatedAt,
    Waiting waiting) {

  static ImageScheduleView of(BuildSchedule b, Waiting waiting, List<String> imageHosts) {
    return new ImageScheduleView(
        b.scheduleId(),
        b.userId(),
        b.imageName(),
        b.projectName(),
        b.parentName(),
        b.arch(),
        b.change(),
        b.kind(),
        b.status(),
        b.attempts(),
        b.workerId(),
        b.hostId(),
        b.imageRef(),
        b.digest(),
        b.imageRef() == null ? null : imageHosts,
        b.reason(),
        "/v1/users/" + b.userId() + "/image-schedules/" + b.scheduleId() + "/log",
        b.scheduledAt(),
        b.startedAt(),
        b.endedAt(),
        b.updatedAt(),
        waiting);
  }
}
