package io.a4c.functions.builds;

import io.a4c.events.BuildEnded;
import io.a4c.events.BuildStatus;
import io.a4c.events.BuilderStatus;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.ImageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what builders report on the host-events queue: a build's end (log, status, the image
 * record, the email) and builders' own status. Idempotent: the end applies only for the claim's
 * holder and attempt; a redelivered report finds it applied and only completes what may not have
 * been done (image record, email). Thread-safe.
 */
@Singleton
public final class BuildReports {
  private static final Logger log = LoggerFactory.getLogger(BuildReports.class);

  private final BuildScheduleStore schedules;
  private final BuildLogStore logs;
  private final ImageStore images;
  private final BuilderStore builders;
  private final BuildEmails emails;
  private final Clock clock;
  private final io.a4c.functions.audit.AuditLog audit;

  @Inject
  public BuildReports(
      BuildScheduleStore schedules,
      BuildLogStore logs,
      ImageStore images,
      BuilderStore builders,
      BuildEmails emails,
      Clock clock,
      io.a4c.functions.audit.AuditLog audit) {
    this.audit = audit;
    this.schedules = schedules;
    this.logs = logs;
    this.images = images;
    this.builders = builders;
    this.emails = emails;
    this.clock = clock;
  }

  /** Applies a build's end; returns whether this report moved the record. */
  public boolean apply(BuildEnded report) {
    var stored = schedules.get(report.userId(), report.scheduleId(), true);
    if (stored.isEmpty()) {
      log.atWarn()
          .addKeyValue("scheduleId", report.scheduleId())
          .log("report for an unknown build; dropped");
      return false;
    }
    BuildSchedule before = stored.get();
    boolean holder =
        report.workerId().equals(before.workerId()) && report.attempt() == before.attempt();
    if (!holder) {
      log.atInfo()
          .addKeyValue("scheduleId", report.scheduleId())
          .addKeyValue("workerId", report.workerId())
          .addKeyValue("attempt", report.attempt())
          .log("report from a builder that does not hold the build; dropped");
      return false;
    }
    Instant now = clock.instant();
    boolean moved = false;
    if (before.status() == BuildStatus.IN_PROGRESS) {
      if (report.log() != null) {
        logs.put(report.scheduleId(), report.attempt(), report.log(), now);
      }
      moved = schedules.end(report, now);
    }
    BuildSchedule after = schedules.get(report.userId(), report.scheduleId(), true).orElseThrow();
    if (after.status() != report.status() || !holder) {
      return false; // it ended otherwise (dead-lettered, say) before this report came
    }
    if (after.status() == BuildStatus.COMPLETED) {
      images.put(
          new Image(
              after.projectName(),
              after.parentName(),
              after.arch(),
              after.change(),
              after.imageRef(),
              Image.COMPLETED,
              after.endedAt()));
    }
    emails.sendOnce(after);
    if (moved) {
      // Who built what: the builder (a host) is the actor; the schedule's owner is the user.
      audit.record(
          io.a4c.functions.audit.Origin.host(report.hostId(), null),
          after.status() == BuildStatus.COMPLETED ? "build.completed" : "build.failed",
          after.userId(),
          "schedule:" + after.scheduleId(),
          after.imageRef() == null
              ? Map.of("workerId", report.workerId())
              : Map.of("workerId", report.workerId(), "imageRef", after.imageRef()));
      log.atInfo()
          .addKeyValue("scheduleId", report.scheduleId())
          .addKeyValue("status", report.status())
          .addKeyValue("workerId", report.workerId())
          .addKeyValue("imageRef", report.imageRef())
          .log("build ended");
    }
    return moved;
  }

  /** Records a builder's status; an older report than stored is dropped. */
  public void record(BuilderStatus status) {
    if (!builders.record(status)) {
      log.atDebug()
          .addKeyValue("hostId", status.hostId())
          .log("builder status dropped (stale, or no heartbeat yet)");
    }
  }
}
