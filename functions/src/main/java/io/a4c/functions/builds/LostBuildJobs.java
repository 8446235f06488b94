package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.logging.SweepFailures;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds SCHEDULED builds whose job is not on the build queue and sends it again; the sweeper's part
 * for builds. A job goes missing in two ways, told apart so that nothing is sent twice under load:
 *
 * <ul>
 *   <li><b>Never sent</b>: the scheduler died between writing the build and marking it queued (a
 *       user build still {@code queued = false} past the deadline). Sent, then marked.
 *   <li><b>Sent and lost</b> (a queue purged or restarted, a message deleted by mistake): builds
 *       wait past the deadline since their last send while their arch's queue holds no message at
 *       all. A busy queue proves nothing either way, so nothing is re-sent while it holds any; a
 *       job lost behind a long queue is re-sent once that queue drains. Each re-send first moves
 *       the build's {@code lastSentAt} conditionally, so two sweeps at once send it once.
 * </ul>
 *
 * A duplicate job is harmless either way: the claim lets one builder run a build. Held recurring
 * builds are not this class's: the recurring tick releases them. Thread-safe.
 */
@Singleton
public final class LostBuildJobs {
  private static final Logger log = LoggerFactory.getLogger(LostBuildJobs.class);

  private final BuildScheduleStore schedules;
  private final BuildJobSender jobs;
  private final Clock clock;

  @Inject
  public LostBuildJobs(BuildScheduleStore schedules, BuildJobSender jobs, Clock clock) {
    this.schedules = schedules;
    this.jobs = jobs;
    this.clock = clock;
  }

  /**
   * Sends again the jobs of builds waiting since before {@code staleBefore} that are not on the
   * queue. Each build (and each arch's queue check) has its turn whatever happened to the ones
   * before: one whose job cannot be sent is logged and passed over, and once the others were sent
   * the sweep throws the first failure (see {@link SweepFailures}).
   *
   * @return how many jobs were sent
   */
  public int resend(Instant staleBefore) {
    Instant now = clock.instant();
    var failures = new SweepFailures("lost build jobs");
    int sent = 0;
    // Both kinds were scheduled before the deadline (a build is sent no earlier than scheduled):
    // the index's sort key leaves the younger ones unread.
    List<BuildSchedule> waiting = schedules.withStatusBefore(BuildStatus.SCHEDULED, staleBefore);
    for (BuildSchedule build : waiting) {
      if (build.kind() == BuildKind.USER
          && !build.queued()
          && build.scheduledAt().isBefore(staleBefore)
          && failures.run(build.scheduleId(), () -> sendUnsent(build, now), false)) {
        sent++;
      }
    }
    Map<Arch, List<BuildSchedule>> stale =
        waiting.stream()
            .filter(b -> b.queued() && sentAt(b).isBefore(staleBefore))
            .collect(Collectors.groupingBy(BuildSchedule::arch));
    for (var entry : stale.entrySet()) {
      Arch arch = entry.getKey();
      if (!failures.run(arch.wireName() + " build queue", () -> jobs.queueEmpty(arch), false)) {
        continue;
      }
      for (BuildSchedule build : entry.getValue()) {
        if (failures.run(build.scheduleId(), () -> sendLost(build, now), false)) {
          sent++;
        }
      }
    }
    failures.rethrow();
    return sent;
  }

  /**
   * Sends the job of a build never marked queued, then marks it. A send that fails leaves it
   * unmarked, for the next sweep; a mark that fails after the send leaves a duplicate for it.
   */
  private boolean sendUnsent(BuildSchedule build, Instant now) {
    jobs.send(build.scheduleId(), build.arch(), build.job());
    schedules.markQueued(build, now);
    log.atWarn().addKeyValue("scheduleId", build.scheduleId()).log("build job never sent: sent");
    return true;
  }

  /**
   * Sends again the job of a build lost from its empty queue, once its {@code lastSentAt} is moved
   * to now (so that of two sweeps one sends). A send that fails moves it back before the failure
   * goes on to the sweep: moved, it would hold the job back a whole deadline for a send that never
   * happened. Should that write fail too, the job waits that deadline.
   */
  private boolean sendLost(BuildSchedule build, Instant now) {
    if (!schedules.markResent(build, now)) {
      return false;
    }
    try {
      jobs.send(build.scheduleId(), build.arch(), build.job());
    } catch (RuntimeException e) {
      try {
        schedules.unmarkResent(build, now);
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    log.atWarn()
        .addKeyValue("scheduleId", build.scheduleId())
        .addKeyValue("lastSentAt", sentAt(build))
        .log("build job lost from an empty queue: sent again");
    return true;
  }

  private static Instant sentAt(BuildSchedule build) {
    return build.lastSentAt() != null ? build.lastSentAt() : build.scheduledAt();
  }
}
