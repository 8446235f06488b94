package io.a4c.functions.builds;

import io.a4c.events.BuildEnded;
import io.a4c.events.BuildLogUpdate;
import io.a4c.events.BuildStatus;
import io.a4c.events.BuilderStatus;
import io.a4c.events.ImageTags;
import io.a4c.events.Names;
import io.a4c.functions.config.FunctionsConfig;
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
 * been done (image record, prefetch, email).
 *
 * <p>A host acts only for itself: the report's {@code hostId} is its verified sender ({@code
 * HostEventSenders}), and it is applied only when the worker it names is one of that host's slots
 * and holds the build. A COMPLETED report is believed only for the image its build must make,
 * {@code <A4C_IMAGE_REPOSITORY>:<ImageTags tag>}; any other reference ends the build FAILED, so no
 * host can make others pull an image from elsewhere. Thread-safe.
 */
@Singleton
public final class BuildReports {
  private static final Logger log = LoggerFactory.getLogger(BuildReports.class);

  private final BuildScheduleStore schedules;
  private final BuildLogStore logs;
  private final ImageStore images;
  private final BuilderStore builders;
  private final BuildEmails emails;
  private final ImagePrefetch prefetch;
  private final Clock clock;
  private final io.a4c.functions.audit.AuditLog audit;
  private final String repository;

  @Inject
  public BuildReports(
      BuildScheduleStore schedules,
      BuildLogStore logs,
      ImageStore images,
      BuilderStore builders,
      BuildEmails emails,
      ImagePrefetch prefetch,
      Clock clock,
      io.a4c.functions.audit.AuditLog audit,
      FunctionsConfig config) {
    this.prefetch = prefetch;
    this.audit = audit;
    this.repository = config.builds().imageRepository();
    this.schedules = schedules;
    this.logs = logs;
    this.images = images;
    this.builders = builders;
    this.emails = emails;
    this.clock = clock;
  }

  /**
   * Stores a running build's log so far, for its owner to follow: only from the builder that holds
   * the build (its worker and attempt) while it is IN_PROGRESS, and never over a newer log ({@link
   * BuildLogStore#putLive}). Returns whether it was stored.
   */
  public boolean record(BuildLogUpdate update) {
    if (!update.workerId().startsWith(update.hostId() + "/")) {
      log.atWarn()
          .addKeyValue("scheduleId", update.scheduleId())
          .addKeyValue("hostId", update.hostId())
          .addKeyValue("workerId", update.workerId())
          .log("log update for another host's builder slot; dropped");
      return false;
    }
    var build = schedules.get(update.userId(), update.scheduleId(), true);
    if (build.isEmpty()
        || build.get().status() != BuildStatus.IN_PROGRESS
        || !update.workerId().equals(build.get().workerId())
        || update.attempt() != build.get().attempt()) {
      return false; // ended, taken over, or unknown: this builder's log no longer counts
    }
    return logs.putLive(
        update.scheduleId(),
        update.attempt(),
        update.seq(),
        update.log(),
        update.from(),
        clock.instant());
  }

  /** Applies a build's end; returns whether this report moved the record. */
  public boolean apply(BuildEnded sent) {
    if (!sent.workerId().startsWith(sent.hostId() + "/")) {
      log.atWarn()
          .addKeyValue("scheduleId", sent.scheduleId())
          .addKeyValue("hostId", sent.hostId())
          .addKeyValue("workerId", sent.workerId())
          .log("report for another host's builder slot; dropped");
      return false;
    }
    var stored = schedules.get(sent.userId(), sent.scheduleId(), true);
    if (stored.isEmpty()) {
      log.atWarn()
          .addKeyValue("scheduleId", sent.scheduleId())
          .log("report for an unknown build; dropped");
      return false;
    }
    BuildSchedule before = stored.get();
    boolean perforce = before.syncsFromPerforce();
    BuildEnded report = withCheckedImage(sent, before, perforce);
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
        logs.put(
            report.scheduleId(),
            report.attempt(),
            report.log(),
            report.logWritten(),
            report.logTailFrom(),
            now);
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
              position(report, before, perforce),
              after.imageRef(),
              Image.COMPLETED,
              after.endedAt()));
      prefetch.afterBuild(after, report.hostId());
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

  /**
   * Where the built change stands. A Perforce build's is its change's number, whatever its builder
   * reports (Perforce numbers submitted changes in order, and the API takes only numbers or {@code
   * head}); {@code head} (a recurring build's) stands level with the parent's newest image, so
   * that, being the later to complete, it becomes the default; any other Perforce change (a label
   * in a schedule from before numbers were required) cannot be placed and stands at 0, never the
   * default. A git build's is what its builder counted ({@code git rev-list --count}), which the
   * builder is trusted with as it is with the image's contents; when it could not say (a daemon
   * from before positions), level with the newest.
   */
  private long position(BuildEnded report, BuildSchedule build, boolean perforce) {
    if (perforce) {
      String change = build.change();
      if (change == null || change.equals(Names.PERFORCE_HEAD)) {
        return newestPosition(build);
      }
      return Names.PERFORCE_CHANGE_NUMBER.matcher(change).matches() ? Long.parseLong(change) : 0L;
    }
    if (report.position() != null) {
      return report.position();
    }
    return newestPosition(build);
  }

  /** The position of the parent's newest completed image (0 with none). */
  private long newestPosition(BuildSchedule build) {
    return images
        .newestCompleted(build.projectName(), build.parentName(), build.arch())
        .map(Image::position)
        .orElse(0L);
  }

  /**
   * The report as it may be applied: a COMPLETED one whose image is not the build's own reference
   * in the configured repository becomes FAILED, saying what was reported instead. A Perforce build
   * is of the change its schedule names (the change is its place among the images): a report of
   * another change, or of an image tagged with another, is not this build's.
   */
  private BuildEnded withCheckedImage(BuildEnded report, BuildSchedule build, boolean perforce) {
    if (report.status() != BuildStatus.COMPLETED) {
      return report;
    }
    boolean namedPerforceChange = perforce && build.change() != null;
    String change =
        namedPerforceChange || report.change() == null ? build.change() : report.change();
    String expected =
        change == null
            ? null
            : repository
                + ":"
                + ImageTags.of(build.projectName(), build.parentName(), build.arch(), change);
    boolean changeAsScheduled =
        !namedPerforceChange || report.change() == null || report.change().equals(change);
    if (report.imageRef().equals(expected) && changeAsScheduled) {
      return report;
    }
    log.atWarn()
        .addKeyValue("scheduleId", report.scheduleId())
        .addKeyValue("hostId", report.hostId())
        .addKeyValue("imageRef", report.imageRef())
        .addKeyValue("expected", expected)
        .log("reported image is not the build's own reference; the build fails");
    return BuildEnded.of(
        report.hostId(),
        report.scheduleId(),
        report.userId(),
        report.workerId(),
        report.attempt(),
        BuildStatus.FAILED,
        report.change(),
        report.position(),
        null,
        null,
        "the builder reported image "
            + report.imageRef()
            + (changeAsScheduled ? "" : " of change " + report.change())
            + ", not this build's "
            + (expected == null ? "reference in " + repository : expected),
        report.log(),
        report.at());
  }

  /**
   * Records a builder's status, stamped with this side's clock (a builder's liveness never trusts
   * its host's clock); an older report than stored (by the host's {@code sentAt}) is dropped.
   */
  public void record(BuilderStatus status) {
    if (!builders.record(status, clock.instant())) {
      log.atDebug()
          .addKeyValue("hostId", status.hostId())
          .log("builder status dropped (stale, or no heartbeat yet)");
    }
  }
}
