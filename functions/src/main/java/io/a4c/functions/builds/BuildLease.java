package io.a4c.functions.builds;

import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which builder runs a build: the conditional write to IN_PROGRESS, made here on a
 * builder's request because builders have no table access. The store assigns the claim's attempt
 * (the fencing token the builder's report must carry); nothing the caller says picks it. A
 * SCHEDULED build goes to the first claim. An IN_PROGRESS build goes to another claim only once its
 * holder's lease ran out ({@link BuildLeaseRule}: a rule kept by the holder's own verified status
 * reports, which no claim can move); the holder's own worker asking again (its answer was lost) is
 * granted the same attempt. A claim for a worker that is not one of the claiming host's slots
 * ({@code <hostId>/<slot>}) is refused: the build's reports are accepted only from the host its
 * worker names, which is their verified sender. Thread-safe.
 */
@Singleton
public final class BuildLease {
  private static final Logger log = LoggerFactory.getLogger(BuildLease.class);

  private final BuildScheduleStore schedules;
  private final BuilderStore builders;
  private final Clock clock;
  private final Duration staleAfter;

  @Inject
  public BuildLease(
      BuildScheduleStore schedules, BuilderStore builders, Clock clock, FunctionsConfig config) {
    this(schedules, builders, clock, config.hostStaleAfter());
  }

  /**
   * @param staleAfter how long a holder's builder may be silent, and how long after the claim its
   *     report must be to count, before another builder may take the build over
   */
  BuildLease(
      BuildScheduleStore schedules, BuilderStore builders, Clock clock, Duration staleAfter) {
    this.schedules = schedules;
    this.builders = builders;
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  /** Grants or refuses a claim. */
  public BuildClaimAnswer claim(BuildClaim claim) {
    if (!claim.workerId().startsWith(claim.hostId() + "/")) {
      log.atWarn()
          .addKeyValue("scheduleId", claim.scheduleId())
          .addKeyValue("hostId", claim.hostId())
          .addKeyValue("workerId", claim.workerId())
          .log("claim for another host's builder slot refused");
      return BuildClaimAnswer.refuse(
          null, "worker " + claim.workerId() + " is not a builder slot of host " + claim.hostId());
    }
    Instant now = clock.instant();
    var attempt =
        schedules.claimScheduled(
            claim.userId(), claim.scheduleId(), claim.hostId(), claim.workerId(), now);
    if (attempt.isPresent()) {
      return granted(claim, attempt.getAsInt(), "build claimed");
    }
    Optional<BuildSchedule> current = schedules.get(claim.userId(), claim.scheduleId(), true);
    if (current.isEmpty()) {
      return BuildClaimAnswer.refuse(null, "no such build");
    }
    BuildSchedule build = current.get();
    if (build.status() != BuildStatus.IN_PROGRESS) {
      return refused(claim, build);
    }
    // The holder's own slot asking again runs it no more (a slot runs one build; its claim's
    // answer was lost, or its daemon restarted): it starts over as the next attempt.
    Optional<String> lapsed =
        claim.workerId().equals(build.workerId())
            ? Optional.of("its own worker claims it again")
            : BuildLeaseRule.lapsed(
                build, builders.get(build.hostId()), now, staleAfter, staleAfter);
    if (lapsed.isEmpty()) {
      return refused(claim, build);
    }
    attempt = schedules.claim(build, claim.hostId(), claim.workerId(), now);
    if (attempt.isPresent()) {
      return granted(claim, attempt.getAsInt(), "build taken over: " + lapsed.get());
    }
    // Someone else took it over, or it ended, in between.
    return schedules
        .get(claim.userId(), claim.scheduleId(), true)
        .map(after -> refused(claim, after))
        .orElseGet(() -> BuildClaimAnswer.refuse(null, "no such build"));
  }

  private static BuildClaimAnswer granted(BuildClaim claim, int attempt, String message) {
    log.atInfo()
        .addKeyValue("scheduleId", claim.scheduleId())
        .addKeyValue("workerId", claim.workerId())
        .addKeyValue("attempt", attempt)
        .addKeyValue("receiveCount", claim.attempt())
        .log(message);
    return BuildClaimAnswer.grant(attempt);
  }

  private static BuildClaimAnswer refused(BuildClaim claim, BuildSchedule build) {
    String reason =
        build.status() == BuildStatus.IN_PROGRESS
            ? "held by " + build.workerId() + " (attempt " + build.attempt() + ")"
            : "the build is " + build.status();
    log.atInfo()
        .addKeyValue("scheduleId", claim.scheduleId())
        .addKeyValue("workerId", claim.workerId())
        .addKeyValue("receiveCount", claim.attempt())
        .log("claim refused: {}", reason);
    return BuildClaimAnswer.refuse(build.status(), reason);
  }
}
