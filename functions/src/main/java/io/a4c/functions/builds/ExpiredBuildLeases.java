package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends IN_PROGRESS builds whose lease ran out, so that none stays IN_PROGRESS for good (holding its
 * owner's build quota and its arch's recurring slot); the sweeper's part. A claim starts the lease
 * ({@code startedAt}); the builder's status reports ({@code BuilderStatus}, every heartbeat) renew
 * it while the holder's builder lives. The lease has run out when
 *
 * <ul>
 *   <li>the holder's builder has been silent for the sweep's grace and the claim is older than
 *       that: the builder died, and no later delivery of the job took the build over (the job was
 *       dead-lettered or lost); or
 *   <li>the claim is older than {@link #LONGEST_BUILD}, longer than any builder keeps a job (its
 *       checkout, engine build and push each have a deadline, and it stops extending the job's
 *       visibility after them): the job vanished while its builder lives on, e.g. its end report
 *       was parked in a dead-letter queue.
 * </ul>
 *
 * Such a build becomes FAILED with a reason that says so, conditioned on the claim read (a takeover
 * or a late report in between wins), which gives the owner's quota unit back; the owner is emailed.
 * Thread-safe.
 */
@Singleton
public final class ExpiredBuildLeases {
  /** Longer than a builder's own deadline for one build (checkout, build, push and margin). */
  static final Duration LONGEST_BUILD = Duration.ofHours(4);

  private static final Logger log = LoggerFactory.getLogger(ExpiredBuildLeases.class);

  private final BuildScheduleStore schedules;
  private final BuilderStore builders;
  private final BuildEmails emails;
  private final Clock clock;

  @Inject
  ExpiredBuildLeases(
      BuildScheduleStore schedules, BuilderStore builders, BuildEmails emails, Clock clock) {
    this.schedules = schedules;
    this.builders = builders;
    this.emails = emails;
    this.clock = clock;
  }

  /**
   * Fails the IN_PROGRESS builds whose lease ran out, a silent builder's after {@code grace}.
   *
   * @return how many builds were failed
   */
  public int sweep(Duration grace) {
    Instant now = clock.instant();
    Map<String, Instant> seen =
        builders.all().stream()
            .filter(b -> b.seenAt() != null)
            .collect(Collectors.toMap(BuilderStore.Builder::hostId, BuilderStore.Builder::seenAt));
    int failed = 0;
    for (BuildSchedule build : schedules.withStatus(BuildStatus.IN_PROGRESS)) {
      String reason = expired(build, seen::get, now, grace);
      if (reason != null && schedules.failExpired(build, reason, now)) {
        failed++;
        log.atWarn()
            .addKeyValue("scheduleId", build.scheduleId())
            .addKeyValue("workerId", build.workerId())
            .log("build failed: {}", reason);
        schedules
            .get(build.userId(), build.scheduleId(), true)
            .filter(after -> after.status() == BuildStatus.FAILED)
            .ifPresent(emails::sendOnce);
      }
    }
    return failed;
  }

  /** Why the build's lease ran out, or null while it holds. */
  private static String expired(
      BuildSchedule build, Function<String, Instant> seenAt, Instant now, Duration grace) {
    Instant started = build.startedAt() != null ? build.startedAt() : build.scheduledAt();
    String holder = build.workerId() + ", attempt " + build.attempt();
    if (started.plus(LONGEST_BUILD).isBefore(now)) {
      return "the build ran longer than any builder keeps a build ("
          + LONGEST_BUILD.toHours()
          + " h) without a report; its job or its report was lost (last: "
          + holder
          + ")";
    }
    Instant lastSeen = build.hostId() == null ? null : seenAt.apply(build.hostId());
    boolean silent = lastSeen == null || lastSeen.plus(grace).isBefore(now);
    if (silent && started.plus(grace).isBefore(now)) {
      return "its builder stopped reporting while building, and no other builder took the build"
          + " over (last: "
          + holder
          + ")";
    }
    return null;
  }
}
