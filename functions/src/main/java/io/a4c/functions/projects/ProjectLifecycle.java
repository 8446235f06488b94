package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * What happens to a project's workspaces when nobody uses them; a null member keeps the
 * deployment's default.
 *
 * @param idleStopMinutes stop a workspace after this many minutes with no SSH session and its CPU
 *     below the host's threshold (0 to 10080; 0: never; default {@code A4C_IDLE_STOP_MINUTES})
 * @param deleteAfterStoppedDays delete (home included) a workspace stopped for this many days, with
 *     an email to its owner a day before (0 to 3650; 0 or absent: never)
 */
public record ProjectLifecycle(Integer idleStopMinutes, Integer deleteAfterStoppedDays) {
  /** The longest idle stop, a week; docs/openapi.yaml states it (a test checks). */
  public static final int MAX_IDLE_STOP_MINUTES = 7 * 24 * 60;

  /** The longest a workspace stays stopped before its deletion, ten years; stated there too. */
  public static final int MAX_DELETE_AFTER_STOPPED_DAYS = 3650;

  public ProjectLifecycle {
    check("lifecycle.idleStopMinutes", idleStopMinutes, MAX_IDLE_STOP_MINUTES);
    check(
        "lifecycle.deleteAfterStoppedDays", deleteAfterStoppedDays, MAX_DELETE_AFTER_STOPPED_DAYS);
  }

  /** No overrides: the deployment's defaults. */
  public static final ProjectLifecycle DEFAULT = new ProjectLifecycle(null, null);

  /** The idle stop in minutes, {@code fallback} when the project does not say; 0 for never. */
  public int idleStopMinutesOr(int fallback) {
    return idleStopMinutes == null ? fallback : idleStopMinutes;
  }

  /** The days after which a stopped workspace is deleted; 0 for never. */
  public int deleteAfterStoppedDaysOrNever() {
    return deleteAfterStoppedDays == null ? 0 : deleteAfterStoppedDays;
  }

  private static void check(String field, Integer value, int max) {
    if (value != null && (value < 0 || value > max)) {
      throw new InvalidRequestException(field, field + " must be from 0 to " + max);
    }
  }
}
