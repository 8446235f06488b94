package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a user's build no builder has taken ({@code DELETE .../image-schedules/{scheduleId}}).
 * The job stays on the queue; the builder that receives it is refused the claim and drops it.
 * Idempotent: cancelling a cancelled build answers with it. Audited. Thread-safe.
 */
@Singleton
public final class ImageScheduleCancellation {
  private static final Logger log = LoggerFactory.getLogger(ImageScheduleCancellation.class);

  private final BuildScheduleStore schedules;
  private final AuditLog audit;
  private final Clock clock;

  @Inject
  public ImageScheduleCancellation(BuildScheduleStore schedules, AuditLog audit, Clock clock) {
    this.schedules = schedules;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Cancels the build.
   *
   * @throws ScheduleNotFoundException 404 when the user has none of that id
   * @throws ProblemException 409 once a builder took it (or it ended)
   */
  public ImageScheduleView cancel(Origin origin, String userId, String scheduleId) {
    BuildSchedule build = find(userId, scheduleId);
    if (build.status() == BuildStatus.CANCELLED) {
      return ImageScheduleView.of(build, null, List.of());
    }
    if (!schedules.cancel(userId, scheduleId, clock.instant())) {
      BuildSchedule now = find(userId, scheduleId);
      throw new ProblemException(
          ProblemType.CONFLICT,
          "the build is " + now.status() + "; only a build no builder has taken can be cancelled",
          null,
          "not-cancellable");
    }
    log.atInfo()
        .addKeyValue("scheduleId", scheduleId)
        .addKeyValue("userId", userId)
        .log("build cancelled");
    audit.record(origin, "build.cancel", userId, "schedule:" + scheduleId, Map.of());
    return ImageScheduleView.of(find(userId, scheduleId), null, List.of());
  }

  private BuildSchedule find(String userId, String scheduleId) {
    return schedules
        .get(userId, scheduleId, true)
        .orElseThrow(() -> new ScheduleNotFoundException(scheduleId));
  }
}
