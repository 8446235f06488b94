package io.a4c.functions.sweeper;

import io.a4c.functions.builds.BuildEmails;
import io.a4c.functions.builds.ExpiredBuildLeases;
import io.a4c.functions.builds.LostBuildJobs;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.SilentHosts;
import io.a4c.functions.logging.SweepFailures;
import io.a4c.functions.workspaces.StuckWorkspaces;
import io.a4c.functions.workspaces.WarmPools;
import io.a4c.functions.workspaces.WorkspaceExpiry;
import io.a4c.functions.workspaces.WorkspaceKeySync;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on a schedule (EventBridge rate rule; the local runtime's scheduler): marks hosts whose
 * heartbeats stopped DOWN ({@link SilentHosts}), re-drives or fails workspaces stuck past their
 * deadline, and sends again the jobs of waiting builds that are not on the build queue ({@link
 * LostBuildJobs}), re-drives or fails IN_PROGRESS builds whose lease ran out ({@link
 * ExpiredBuildLeases}), sends the end-of-build emails still due a while after their builds ended
 * ({@link BuildEmails#sendDue}), warns about and deletes stopped workspaces whose project deletes
 * them ({@link WorkspaceExpiry}), keeps the projects' warm pools filled with their newest image
 * ({@link WarmPools#maintain}), and sends users' key sets again where a change's sync did not reach
 * every workspace ({@link WorkspaceKeySync#resendPending}). Every write is conditional, so two
 * sweeps at once do each thing once. Safe to run at any time.
 */
@Singleton
public final class Sweeper {
  /**
   * What one sweep did, for tests and the log (a sweep that did anything logs it, at INFO, even
   * when one of its parts failed).
   *
   * @param workspacesDeletedWithoutHost deletes of workspaces whose host is DOWN that the stuck
   *     sweep finished without it ({@link StuckWorkspaces.Swept#deleted})
   */
  public record Result(
      int hostsMarkedDown,
      int workspacesRedriven,
      int workspacesFailed,
      int workspacesDeletedWithoutHost,
      int buildJobsResent,
      int buildLeasesExpired,
      int expiryWarnings,
      int workspacesExpired,
      int poolMembersFilled,
      int poolMembersDrained,
      int keySyncsResent,
      int buildEmailsSent) {}

  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
  private static final Result NOTHING = new Result(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final SilentHosts silentHosts;
  private final StuckWorkspaces workspaces;
  private final LostBuildJobs lostBuildJobs;
  private final ExpiredBuildLeases expiredBuildLeases;
  private final WorkspaceExpiry expiry;
  private final WarmPools pools;
  private final WorkspaceKeySync keySync;
  private final BuildEmails buildEmails;
  private final Clock clock;
  private final Duration stuckAfter;

  @Inject
  public Sweeper(
      SilentHosts silentHosts,
      StuckWorkspaces workspaces,
      LostBuildJobs lostBuildJobs,
      ExpiredBuildLeases expiredBuildLeases,
      WorkspaceExpiry expiry,
      WarmPools pools,
      WorkspaceKeySync keySync,
      BuildEmails buildEmails,
      Clock clock,
      FunctionsConfig config) {
    this.buildEmails = buildEmails;
    this.pools = pools;
    this.keySync = keySync;
    this.expiry = expiry;
    this.silentHosts = silentHosts;
    this.workspaces = workspaces;
    this.lostBuildJobs = lostBuildJobs;
    this.expiredBuildLeases = expiredBuildLeases;
    this.clock = clock;
    this.stuckAfter = config.stuckAfter();
  }

  /**
   * One sweep. Each part runs whatever happened to the ones before it (a part that keeps failing,
   * say a send to one host that keeps failing, must not starve the others every sweep); a failed
   * part counts nothing, and the sweep then throws the first failure, after every part had its
   * turn.
   */
  public Result sweep() {
    Instant now = clock.instant();
    var failures = new SweepFailures("sweep");
    int down = failures.run("hosts", silentHosts::markDown, 0);
    var stuck =
        failures.run(
            "stuck workspaces",
            () -> workspaces.sweep(now.minus(stuckAfter)),
            new StuckWorkspaces.Swept(0, 0, 0));
    int resent =
        failures.run("lost build jobs", () -> lostBuildJobs.resend(now.minus(stuckAfter)), 0);
    var leases =
        failures.run(
            "expired build leases",
            () -> expiredBuildLeases.sweep(stuckAfter),
            new ExpiredBuildLeases.Outcome(0, 0));
    var expired =
        failures.run("workspace expiry", expiry::sweep, new WorkspaceExpiry.Expired(0, 0));
    var pooled = failures.run("warm pools", pools::maintain, new WarmPools.Result(0, 0));
    int keysResent = failures.run("key syncs", keySync::resendPending, 0);
    int emailsSent = failures.run("build emails", buildEmails::sendDue, 0);
    var result =
        new Result(
            down,
            stuck.redriven(),
            stuck.failed(),
            stuck.deleted(),
            resent,
            leases.redriven() + leases.failed(),
            expired.warned(),
            expired.deleted(),
            pooled.filled(),
            pooled.drained(),
            keysResent,
            emailsSent);
    // What it did, for the operator's log (also when a part failed: the others' work happened).
    if (!result.equals(NOTHING)) {
      log.atInfo().addKeyValue("result", result).log("sweep acted");
    }
    failures.rethrow();
    return result;
  }
}
