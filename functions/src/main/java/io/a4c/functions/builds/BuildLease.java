package io.a4c.functions.builds;

import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.events.BuildStatus;
import java.time.Clock;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which builder runs a build: the SCHEDULED → IN_PROGRESS conditional write, made here on a
 * builder's request because builders have no table access. Exactly one claim per delivery attempt
 * wins; a later delivery of the job (its holder died, the message came back) may take the build
 * over, an earlier or equal one never. Repeating a granted claim (the answer was lost) is granted
 * again. A claim for a worker that is not one of the claiming host's slots ({@code
 * <hostId>/<slot>}) is refused: the build's reports are accepted only from the host its worker
 * names, which is their verified sender. Thread-safe.
 */
@Singleton
public final class BuildLease {
  private static final Logger log = LoggerFactory.getLogger(BuildLease.class);

  private final BuildScheduleStore schedules;
  private final Clock clock;

  @Inject
  public BuildLease(BuildScheduleStore schedules, Clock clock) {
    this.schedules = schedules;
    this.clock = clock;
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
    if (schedules.claim(claim, clock.instant())) {
      log.atInfo()
          .addKeyValue("scheduleId", claim.scheduleId())
          .addKeyValue("workerId", claim.workerId())
          .addKeyValue("attempt", claim.attempt())
          .log("build claimed");
      return BuildClaimAnswer.grant();
    }
    var current = schedules.get(claim.userId(), claim.scheduleId(), true);
    if (current.isEmpty()) {
      return BuildClaimAnswer.refuse(null, "no such build");
    }
    var build = current.get();
    if (build.status() == BuildStatus.IN_PROGRESS
        && claim.workerId().equals(build.workerId())
        && claim.attempt() == build.attempt()) {
      return BuildClaimAnswer.grant();
    }
    String reason =
        build.status() == BuildStatus.IN_PROGRESS
            ? "held by " + build.workerId() + " (attempt " + build.attempt() + ")"
            : "the build is " + build.status();
    log.atInfo()
        .addKeyValue("scheduleId", claim.scheduleId())
        .addKeyValue("workerId", claim.workerId())
        .addKeyValue("attempt", claim.attempt())
        .log("claim refused: {}", reason);
    return BuildClaimAnswer.refuse(build.status(), reason);
  }
}
