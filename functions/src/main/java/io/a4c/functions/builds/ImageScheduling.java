package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.Names;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectNotFoundException;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.quotas.Quotas;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules a user's image build ({@code POST /v1/users/{userId}/image-schedules}): writes it
 * SCHEDULED, reserving one of the user's builds in flight, then puts its job on its arch's build
 * queue. Not idempotent: each call is a new build (its quota bounds how many). Audited.
 * Thread-safe.
 */
@Singleton
public final class ImageScheduling {
  private static final Logger log = LoggerFactory.getLogger(ImageScheduling.class);

  private final BuildScheduleStore schedules;
  private final BuildJobSender jobs;
  private final ProjectService projects;
  private final ScheduleIds ids;
  private final Quotas quotas;
  private final AuditLog audit;
  private final Clock clock;
  private final String userEmailDomain;

  @Inject
  public ImageScheduling(
      BuildScheduleStore schedules,
      BuildJobSender jobs,
      ProjectService projects,
      ScheduleIds ids,
      Quotas quotas,
      AuditLog audit,
      Clock clock,
      FunctionsConfig config) {
    this.schedules = schedules;
    this.jobs = jobs;
    this.projects = projects;
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
   * @param emailClaim the caller's {@code email} claim, or null; the end-of-build email goes there
   *     only when the caller is {@code userId}: an admin scheduling for a user has the user, the
   *     build's owner, emailed at their own address, not the admin
   * @throws ProjectNotFoundException 404 naming {@code project} when there is no such project
   * @throws ProblemException 403 when the project's {@code builders} do not include the caller
   *     (admins always may)
   * @throws QuotaExceededException 429 when the user has as many builds in flight as allowed
   */
  public ImageScheduleView schedule(
      Origin origin, String userId, String emailClaim, CreateImageScheduleRequest request) {
    Project project;
    try {
      project = projects.get(request.project());
    } catch (ProjectNotFoundException e) {
      // The body names it "project": the problem's field must be the member the caller sent.
      throw new ProjectNotFoundException(request.project(), "project");
    }
    if (!origin.admin() && !project.config().mayBuild(origin.actor())) {
      throw new ProblemException(
          ProblemType.FORBIDDEN,
          "project "
              + project.projectName()
              + " lets only its builders schedule builds, and "
              + origin.actor()
              + " is not one of them; ask an admin to add you to its builders",
          "project",
          "not-a-builder");
    }
    List<String> parents = project.config().parents();
    String parent = request.parentName() == null ? parents.getFirst() : request.parentName();
    if (!parents.contains(parent)) {
      throw new InvalidRequestException(
          "parentName",
          "parentName must be one of project " + project.projectName() + "'s parents: " + parents);
    }
    if (project.config().source().isPerforce()
        && !Names.PERFORCE_CHANGE.matcher(request.change()).matches()) {
      throw new InvalidRequestException(
          "change",
          "project "
              + project.projectName()
              + " syncs from Perforce: change must be a submitted changelist number (such as"
              + " 12345) or head, not a label or another revision");
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
        BuildSchedule.scheduled(
            job, jobJson, request.imageName(), recipient(origin, userId, emailClaim));
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

  /** The owner's address: the caller's claim when the caller is the owner, else the owner's id. */
  private String recipient(Origin origin, String userId, String emailClaim) {
    String ownersClaim = origin.actor().equals(userId) ? emailClaim : null;
    return io.a4c.functions.config.EmailRecipients.of(userId, ownersClaim, userEmailDomain);
  }
}
