package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostService;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.quotas.Quotas;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' image schedules: schedule (write SCHEDULED, then queue the job), list, read with the wait
 * explained, cancel before a builder takes it, read the log; and the admin's recurring-builds
 * switch. Schedules, cancels and the switch are audited. Thread-safe.
 */
@Singleton
public final class ImageScheduleService {
  private static final Logger log = LoggerFactory.getLogger(ImageScheduleService.class);
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\\.[A-Za-z]{2,63}");

  private final BuildScheduleStore schedules;
  private final BuildLogStore logs;
  private final BuildJobSender jobs;
  private final BuildWaits waits;
  private final ProjectService projects;
  private final HostService hosts;
  private final ScheduleIds ids;
  private final Quotas quotas;
  private final AuditLog audit;
  private final Clock clock;
  private final String userEmailDomain;

  @Inject
  public ImageScheduleService(
      BuildScheduleStore schedules,
      BuildLogStore logs,
      BuildJobSender jobs,
      BuildWaits waits,
      ProjectService projects,
      HostService hosts,
      ScheduleIds ids,
      Quotas quotas,
      AuditLog audit,
      Clock clock,
      FunctionsConfig config) {
    this.schedules = schedules;
    this.logs = logs;
    this.jobs = jobs;
    this.waits = waits;
    this.projects = projects;
    this.hosts = hosts;
    this.ids = ids;
    this.quotas = quotas;
    this.audit = audit;
    this.clock = clock;
    this.userEmailDomain = config.builds().userEmailDomain();
  }

  /**
   * Schedules a build: writes it SCHEDULED (reserving one of the user's builds in flight), puts its
   * job on its arch's build queue, then marks it queued. If the job cannot be sent the record is
   * removed again and the caller gets a 503; if this dies between the write and the mark, the
   * {@link LostBuildJobs sweeper} sends it.
   *
   * @param emailClaim the caller's {@code email} claim, or null
   */
  public ImageScheduleView schedule(
      Origin origin, String userId, String emailClaim, CreateImageScheduleRequest request) {
    Project project = projects.get(request.project());
    List<String> parents = project.config().parents();
    String parent = request.parentName() == null ? parents.getFirst() : request.parentName();
    if (!parents.contains(parent)) {
      throw new InvalidRequestException(
          "parentName",
          "parentName must be one of project " + project.projectName() + "'s parents: " + parents);
    }
    Arch arch = request.parsedArch();
    Instant now = clock.instant();
    String scheduleId = ids.next();
    var job =
        BuildJob.of(
            scheduleId,
            userId,
            BuildKind.USER,
            project.projectName(),
            parent,
            arch,
            request.change(),
            BuildSpecs.of(project.config()),
            now);
    String jobJson = jobs.toJson(job);
    var schedule =
        new BuildSchedule(
            userId,
            scheduleId,
            request.imageName(),
            project.projectName(),
            parent,
            arch,
            request.change(),
            BuildKind.USER,
            BuildStatus.SCHEDULED,
            0,
            0,
            null,
            null,
            null,
            null,
            null,
            recipient(userId, emailClaim),
            false,
            jobJson,
            now,
            null,
            null,
            now,
            null);
    int quota = quotas.buildsInFlight(project);
    try {
      schedules.insertCounted(schedule, quota);
    } catch (BuildScheduleStore.QuotaReached e) {
      throw overQuota(userId, project, quota);
    }
    try {
      jobs.send(scheduleId, arch, jobJson);
    } catch (RuntimeException e) {
      if (!schedules.deleteUnsent(userId, scheduleId)) {
        log.atError()
            .addKeyValue("scheduleId", scheduleId)
            .log("rollback of an unsent build failed");
      }
      throw e;
    }
    schedules.markQueued(schedule, clock.instant());
    audit.record(
        origin,
        "build.schedule",
        userId,
        "schedule:" + scheduleId,
        Map.of("project", project.projectName(), "change", String.valueOf(request.change())));
    log.atInfo()
        .addKeyValue("scheduleId", scheduleId)
        .addKeyValue("userId", userId)
        .addKeyValue("projectName", project.projectName())
        .addKeyValue("change", request.change())
        .log("build scheduled");
    // Where it stands is read on GET; the 202 answers without reading the whole queue.
    return ImageScheduleView.of(schedule, null, List.of());
  }

  /**
   * The 429 for a user at the builds-in-flight quota (the project's override, else the default).
   */
  private QuotaExceededException overQuota(String userId, Project project, int quota) {
    long inFlight = schedules.inFlight(userId);
    log.atInfo()
        .addKeyValue("userId", userId)
        .addKeyValue("projectName", project.projectName())
        .addKeyValue("quota", quota)
        .log("build quota reached");
    return new QuotaExceededException(
        "you have "
            + inFlight
            + " build"
            + (inFlight == 1 ? "" : "s")
            + " scheduled or in progress; at most "
            + quota
            + " are allowed when scheduling one of project "
            + project.projectName()
            + ". Wait for one to end (or cancel one), then try again",
        "build-quota");
  }

  /** One page of the user's schedules, waiting ones explained. */
  public ImageSchedulePage list(String userId, int limit, String nextToken) {
    var page = schedules.list(userId, limit, SchedulePageTokens.decode(nextToken));
    var snapshot =
        page.items().stream().anyMatch(b -> b.status() == BuildStatus.SCHEDULED)
            ? waits.snapshot()
            : null;
    List<Host> fleet =
        page.items().stream().anyMatch(b -> b.imageRef() != null) ? hosts.list() : List.of();
    var views =
        page.items().stream()
            .map(
                b ->
                    ImageScheduleView.of(
                        b,
                        snapshot == null ? null : snapshot.explain(b),
                        holders(fleet, b.imageRef())))
            .toList();
    return new ImageSchedulePage(views, SchedulePageTokens.encode(page.lastScheduleId()));
  }

  /** The schedule, its wait explained; 404 when the user has none of that id. */
  public ImageScheduleView get(String userId, String scheduleId) {
    BuildSchedule build = find(userId, scheduleId, false);
    Waiting waiting =
        build.status() == BuildStatus.SCHEDULED ? waits.snapshot().explain(build) : null;
    return ImageScheduleView.of(
        build,
        waiting,
        build.imageRef() == null ? List.of() : holders(hosts.list(), build.imageRef()));
  }

  /**
   * Cancels a build no builder has taken. The job stays on the queue; the builder that receives it
   * is refused the claim and drops it.
   *
   * @throws ProblemException 409 once a builder took it (or it ended)
   */
  public ImageScheduleView cancel(Origin origin, String userId, String scheduleId) {
    BuildSchedule build = find(userId, scheduleId, true);
    if (build.status() == BuildStatus.CANCELLED) {
      return ImageScheduleView.of(build, null, List.of());
    }
    if (!schedules.cancel(userId, scheduleId, clock.instant())) {
      BuildSchedule now = find(userId, scheduleId, true);
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
    return ImageScheduleView.of(find(userId, scheduleId, true), null, List.of());
  }

  /** The build's log (its last attempt's); 404 before a builder reported one. */
  public BuildLogView log(String userId, String scheduleId) {
    BuildSchedule build = find(userId, scheduleId, false);
    var stored =
        logs.get(scheduleId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.NOT_FOUND,
                        "build " + scheduleId + " has no log yet (it is " + build.status() + ")",
                        null,
                        "no-log"));
    return new BuildLogView(
        scheduleId, build.status(), stored.attempt(), stored.text(), stored.writtenAt());
  }

  /** Whether recurring builds run. */
  public RecurringSettings recurringSettings() {
    return schedules.recurringSettings();
  }

  /** Pauses or resumes recurring builds. */
  public RecurringSettings setRecurringPaused(Origin origin, boolean paused) {
    var settings = new RecurringSettings(paused, origin.actor(), clock.instant());
    schedules.putRecurringSettings(settings);
    log.atInfo()
        .addKeyValue("paused", paused)
        .addKeyValue("by", origin.actor())
        .log("recurring builds switched");
    audit.record(
        origin,
        paused ? "builds.recurring-paused" : "builds.recurring-resumed",
        null,
        "recurring-builds",
        Map.of());
    return settings;
  }

  private BuildSchedule find(String userId, String scheduleId, boolean consistent) {
    return schedules
        .get(userId, scheduleId, consistent)
        .orElseThrow(() -> new ScheduleNotFoundException(scheduleId));
  }

  private static List<String> holders(List<Host> fleet, String imageRef) {
    return imageRef == null
        ? List.of()
        : fleet.stream()
            .filter(h -> h.images().contains(imageRef))
            .map(Host::hostId)
            .sorted()
            .toList();
  }

  /**
   * The token's email claim; else {@code <userId>@<domain>} when a domain is configured; else none.
   */
  private String recipient(String userId, String emailClaim) {
    if (emailClaim != null && EMAIL.matcher(emailClaim).matches()) {
      return emailClaim;
    }
    if (EMAIL.matcher(userId).matches()) {
      return userId;
    }
    return userEmailDomain == null ? null : userId + "@" + userEmailDomain;
  }
}
