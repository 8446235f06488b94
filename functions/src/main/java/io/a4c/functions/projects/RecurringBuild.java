package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import io.a4c.functions.cron.EventBridgeCron;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;

/**
 * A build of one of a project's parents that recurs on an EventBridge cron expression (UTC), at the
 * parent's newest change. The parent must be one of the project's parents.
 *
 * @param arch {@code amd64} (default) or {@code arm64}
 * @param cron e.g. {@code cron(0 3 ? * MON-FRI *)}
 */
public record RecurringBuild(String parentName, String arch, String cron) {
  public RecurringBuild {
    Validation.require(
        "recurringBuilds.parentName",
        parentName,
        Names.PARENT_NAME,
        "letters, digits and . _ - (up to 64)");
    if (arch == null) {
      arch = Arch.AMD64.wireName();
    }
    try {
      arch = Arch.parse(arch).wireName();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "recurringBuilds.arch", "recurringBuilds.arch must be one of amd64, arm64");
    }
    if (cron == null || cron.isEmpty()) {
      throw new InvalidRequestException(
          "recurringBuilds.cron",
          cron == null
              ? "recurringBuilds.cron is required"
              : "recurringBuilds.cron is empty; it must be an EventBridge cron expression such as"
                  + " cron(0 3 ? * MON-FRI *)");
    }
    try {
      EventBridgeCron.parse(cron);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "recurringBuilds.cron", "recurringBuilds.cron " + e.getMessage());
    }
  }

  /** The parsed expression. */
  public EventBridgeCron schedule() {
    return EventBridgeCron.parse(cron);
  }

  /** The arch, parsed. */
  public Arch parsedArch() {
    return Arch.parse(arch);
  }
}
