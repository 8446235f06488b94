package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * A project's overrides of the per-user quotas; a null member keeps the deployment's default.
 *
 * @param maxWorkspacesPerUser the most workspaces a user may hold when creating one of this project
 *     (0 to 1000)
 * @param maxBuildsInFlightPerUser the most builds a user may have in flight when scheduling one of
 *     this project (0 to 1000; enforced by the image-schedules API)
 */
public record ProjectQuotas(Integer maxWorkspacesPerUser, Integer maxBuildsInFlightPerUser) {
  static final int MAX = 1000;

  public ProjectQuotas {
    check("quotas.maxWorkspacesPerUser", maxWorkspacesPerUser);
    check("quotas.maxBuildsInFlightPerUser", maxBuildsInFlightPerUser);
  }

  private static void check(String field, Integer value) {
    if (value != null && (value < 0 || value > MAX)) {
      throw new InvalidRequestException(field, field + " must be from 0 to " + MAX);
    }
  }
}
