package io.a4c.functions.quotas;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectQuotas;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The per-user limits in force for an action on a project: the project's override when it sets one,
 * else the deployment's default ({@code A4C_MAX_WORKSPACES_PER_USER}, {@code
 * A4C_MAX_BUILDS_IN_FLIGHT_PER_USER}). The counters they are checked against are {@link
 * UsageCounters}, moved in the same transaction as the record they count. Thread-safe.
 */
@Singleton
public final class Quotas {
  private final int maxWorkspaces;
  private final int maxBuildsInFlight;

  @Inject
  public Quotas(FunctionsConfig config) {
    this.maxWorkspaces = config.security().maxWorkspacesPerUser();
    this.maxBuildsInFlight = config.security().maxBuildsInFlightPerUser();
  }

  /** How many workspaces a user may hold when creating one of {@code project}. */
  public int workspaces(Project project) {
    ProjectQuotas quotas = project.config().quotas();
    return quotas != null && quotas.maxWorkspacesPerUser() != null
        ? quotas.maxWorkspacesPerUser()
        : maxWorkspaces;
  }

  /**
   * How many builds a user may have in flight when scheduling one of {@code project}: the build
   * store reserves {@link UsageCounters.Counter#BUILDS_IN_FLIGHT} with this limit in the
   * transaction that writes a SCHEDULED build and releases it in the one that writes its end.
   */
  public int buildsInFlight(Project project) {
    ProjectQuotas quotas = project.config().quotas();
    return quotas != null && quotas.maxBuildsInFlightPerUser() != null
        ? quotas.maxBuildsInFlightPerUser()
        : maxBuildsInFlight;
  }
}
