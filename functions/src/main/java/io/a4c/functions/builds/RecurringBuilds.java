package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectStore;
import io.a4c.functions.projects.RecurringBuild;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs projects' recurring builds; called on a timer (EventBridge every five minutes in AWS, the
 * local runtime's scheduler locally). A tick does two things, both idempotent:
 *
 * <ol>
 *   <li>For every recurring build whose cron fired in the last {@link #LOOK_BACK}, writes one
 *       SCHEDULED build of the parent's newest change, held off the queue. The schedule id derives
 *       from the firing, so ticks that overlap (or EventBridge's retries) make it once.
 *   <li>Releases held builds to their arch's queue, oldest first, each arch on its own: only while
 *       no user build of that arch waits and fewer than {@code recurringInFlight} recurring builds
 *       of that arch are queued or running. User builds go first, and recurring ones can take at
 *       most that many of an arch's builder slots, so they never starve users.
 * </ol>
 *
 * Nothing happens while an admin has paused recurring builds. Recurring builds belong to the user
 * {@link #OWNER} and send no email.
 */
@Singleton
public final class RecurringBuilds {
  /** The owner of recurring builds: admins read them under {@code /v1/users/a4c-recurring/…}. */
  public static final String OWNER = "a4c-recurring";

  /** How far back a tick looks for firings (covers a missed five-minute tick and then some). */
  static final Duration LOOK_BACK = Duration.ofMinutes(15);

  private static final Logger log = LoggerFactory.getLogger(RecurringBuilds.class);

  private final ProjectStore projects;
  private final BuildScheduleStore schedules;
  private final BuildJobSender jobs;
  private final Clock clock;
  private final int inFlight;

  @Inject
  public RecurringBuilds(
      ProjectStore projects,
      BuildScheduleStore schedules,
      BuildJobSender jobs,
      Clock clock,
      FunctionsConfig config) {
    this.projects = projects;
    this.schedules = schedules;
    this.jobs = jobs;
    this.clock = clock;
    this.inFlight = config.builds().recurringInFlight();
  }

  /** What one tick did. */
  public record Tick(boolean paused, int scheduled, int released) {}

  /** One tick: schedule what fired, release what may run. */
  public Tick tick() {
    if (schedules.recurringSettings().paused()) {
      return new Tick(true, 0, 0);
    }
    Instant now = clock.instant();
    int scheduled = 0;
    for (Project project : projects.all()) {
      for (RecurringBuild recurring : project.config().recurringBuilds()) {
        var fire = recurring.schedule().latestFire(now, now.minus(LOOK_BACK));
        if (fire.isPresent() && schedule(project, recurring, fire.get(), now)) {
          scheduled++;
        }
      }
    }
    int released = release(now);
    if (scheduled > 0 || released > 0) {
      log.atInfo()
          .addKeyValue("scheduled", scheduled)
          .addKeyValue("released", released)
          .log("recurring builds tick");
    }
    return new Tick(false, scheduled, released);
  }

  private boolean schedule(Project project, RecurringBuild recurring, Instant fire, Instant now) {
    String what =
        project.projectName()
            + "#"
            + recurring.parentName()
            + "#"
            + recurring.arch()
            + "#"
            + recurring.cron();
    String scheduleId = ScheduleIds.recurring(what, fire);
    var job =
        BuildJob.of(
            scheduleId,
            OWNER,
            BuildKind.RECURRING,
            project.projectName(),
            recurring.parentName(),
            recurring.parsedArch(),
            null,
            BuildSpecs.of(project.config()),
            now);
    var schedule = BuildSchedule.scheduled(job, jobs.toJson(job), "recurring", null);
    boolean created = schedules.insert(schedule);
    if (created) {
      log.atInfo()
          .addKeyValue("scheduleId", scheduleId)
          .addKeyValue("projectName", project.projectName())
          .addKeyValue("cron", recurring.cron())
          .addKeyValue("fire", fire)
          .log("recurring build scheduled");
    }
    return created;
  }

  /**
   * Releases held builds, each arch on its own: its builders take only its queue, so a user build
   * of one arch (perhaps one no builder serves, which then waits indefinitely) holds back only that
   * arch's recurring builds, and each arch has its own {@code recurringInFlight} slots.
   */
  private int release(Instant now) {
    var waiting = schedules.withStatus(BuildStatus.SCHEDULED);
    Set<Arch> usersWaiting = EnumSet.noneOf(Arch.class);
    Map<Arch, Integer> running = new EnumMap<>(Arch.class);
    for (BuildSchedule b : waiting) {
      if (b.kind() == BuildKind.USER) {
        usersWaiting.add(b.arch());
      } else if (b.queued()) {
        running.merge(b.arch(), 1, Integer::sum);
      }
    }
    for (BuildSchedule b : schedules.withStatus(BuildStatus.IN_PROGRESS)) {
      if (b.kind() == BuildKind.RECURRING) {
        running.merge(b.arch(), 1, Integer::sum);
      }
    }
    var held =
        waiting.stream()
            .filter(b -> b.kind() == BuildKind.RECURRING && !b.queued())
            .sorted(Comparator.comparing(BuildSchedule::scheduledAt))
            .toList();
    int released = 0;
    for (BuildSchedule build : held) {
      if (usersWaiting.contains(build.arch())
          || running.getOrDefault(build.arch(), 0) >= inFlight) {
        continue;
      }
      // Send, then mark: a tick that dies in between leaves a duplicate job at worst, which the
      // claim turns into a no-op; marking first could leave a build marked queued but never sent.
      jobs.send(build.scheduleId(), build.arch(), build.job());
      schedules.markQueued(build, now);
      running.merge(build.arch(), 1, Integer::sum);
      released++;
    }
    return released;
  }
}
