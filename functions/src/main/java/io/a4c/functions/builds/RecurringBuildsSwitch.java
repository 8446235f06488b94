package io.a4c.functions.builds;

import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import java.time.Clock;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's switch of recurring builds ({@code GET/PUT /v1/recurring-builds}): while paused,
 * {@link RecurringBuilds} schedules nothing. Idempotent: setting the state it is in rewrites who
 * set it and when. Changes are audited. Thread-safe.
 */
@Singleton
public final class RecurringBuildsSwitch {
  private static final Logger log = LoggerFactory.getLogger(RecurringBuildsSwitch.class);

  private final BuildScheduleStore schedules;
  private final AuditLog audit;
  private final Clock clock;

  @Inject
  public RecurringBuildsSwitch(BuildScheduleStore schedules, AuditLog audit, Clock clock) {
    this.schedules = schedules;
    this.audit = audit;
    this.clock = clock;
  }

  /** Whether recurring builds run. */
  public RecurringSettings settings() {
    return schedules.recurringSettings();
  }

  /** Pauses or resumes recurring builds. */
  public RecurringSettings setPaused(Origin origin, boolean paused) {
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
}
