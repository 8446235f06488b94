package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.logging.SweepFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-drives or ends IN_PROGRESS builds whose lease ran out ({@link BuildLeaseRule}), so that none
 * stays IN_PROGRESS for good (holding its owner's build quota and its arch's recurring slot); the
 * sweeper's part. A build with deliveries left (fewer claims than {@code A4C_BUILD_MAX_RECEIVES})
 * goes back to SCHEDULED and its job, the same idempotent job, is sent again; its owner's build in
 * flight stays held by it, one unit, never two. A build with none left becomes FAILED with a reason
 * that says so, which gives the unit back, and its owner is emailed. Both writes are conditioned on
 * the claim read (a takeover or a report in between wins), and a report from the old holder that
 * comes after the re-drive changes nothing: the build is no longer held under its attempt.
 * Thread-safe.
 */
@Singleton
public final class ExpiredBuildLeases {
  private static final Logger log = LoggerFactory.getLogger(ExpiredBuildLeases.class);

  private final BuildScheduleStore schedules;
  private final BuilderStore builders;
  private final BuildJobSender jobs;
  private final BuildEmails emails;
  private final Clock clock;
  private final int maxDeliveries;
  private final Duration margin;

  @Inject
  ExpiredBuildLeases(
      BuildScheduleStore schedules,
      BuilderStore builders,
      BuildJobSender jobs,
      BuildEmails emails,
      Clock clock,
      FunctionsConfig config) {
    this(
        schedules,
        builders,
        jobs,
        emails,
        clock,
        config.builds().maxReceives(),
        config.hostStaleAfter());
  }

  /**
   * @param maxDeliveries claims a build may have; one whose lease runs out after that many fails
   * @param margin how long after the claim a holder's report must be to count ({@link
   *     BuildLeaseRule})
   */
  ExpiredBuildLeases(
      BuildScheduleStore schedules,
      BuilderStore builders,
      BuildJobSender jobs,
      BuildEmails emails,
      Clock clock,
      int maxDeliveries,
      Duration margin) {
    this.schedules = schedules;
    this.builders = builders;
    this.jobs = jobs;
    this.emails = emails;
    this.clock = clock;
    this.maxDeliveries = maxDeliveries;
    this.margin = margin;
  }

  /** What one sweep did. */
  public record Outcome(int redriven, int failed) {}

  /**
   * Re-drives or fails the IN_PROGRESS builds whose lease ran out, a silent builder's after {@code
   * grace}.
   */
  public Outcome sweep(Duration grace) {
    Instant now = clock.instant();
    Map<String, BuilderStore.Builder> known =
        builders.all().stream()
            .collect(Collectors.toMap(BuilderStore.Builder::hostId, Function.identity()));
    int redriven = 0;
    int failed = 0;
    // One build that cannot be handled (its job's send fails, the owner's email cannot be sent)
    // is logged and passed over; the sweep throws once the others had their turn.
    var failures = new SweepFailures("expired build leases");
    for (BuildSchedule build : schedules.withStatus(BuildStatus.IN_PROGRESS)) {
      Optional<BuilderStore.Builder> holder = Optional.ofNullable(build.hostId()).map(known::get);
      Optional<String> lapsed = BuildLeaseRule.lapsed(build, holder, now, grace, margin);
      if (lapsed.isEmpty()) {
        continue;
      }
      switch (failures.run(
          build.scheduleId(), () -> expire(build, lapsed.get(), now), Expiry.NONE)) {
        case REDRIVEN -> redriven++;
        case FAILED -> failed++;
        case NONE -> {}
      }
    }
    failures.rethrow();
    return new Outcome(redriven, failed);
  }

  /** What became of one build whose lease lapsed; NONE when it moved on meanwhile. */
  private enum Expiry {
    REDRIVEN,
    FAILED,
    NONE
  }

  /** Re-drives or fails one build whose lease lapsed. */
  private Expiry expire(BuildSchedule build, String lapsed, Instant now) {
    if (build.attempts() < maxDeliveries) {
      if (!schedules.redrive(build, now)) {
        return Expiry.NONE;
      }
      jobs.send(build.scheduleId(), build.arch(), build.job());
      log.atWarn()
          .addKeyValue("scheduleId", build.scheduleId())
          .addKeyValue("workerId", build.workerId())
          .addKeyValue("attempts", build.attempts())
          .log("build lease ran out, job sent again: {}", lapsed);
      return Expiry.REDRIVEN;
    }
    String reason =
        lapsed + "; no delivery left (it was handed to builders " + build.attempts() + " times)";
    if (!schedules.failExpired(build, reason, now)) {
      return Expiry.NONE;
    }
    log.atWarn()
        .addKeyValue("scheduleId", build.scheduleId())
        .addKeyValue("workerId", build.workerId())
        .log("build failed: {}", reason);
    schedules
        .get(build.userId(), build.scheduleId(), true)
        .filter(after -> after.status() == BuildStatus.FAILED)
        .ifPresent(emails::sendOnce);
    return Expiry.FAILED;
  }
}
