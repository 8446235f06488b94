package io.a4c.functions.builds;

import java.time.Clock;
import java.util.UUID;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a finished build's email once: whoever takes the record's email claim (a conditional write)
 * sends, then marks it sent; a failed send gives the claim back and throws, so the report's
 * redelivery tries again. Duplicate reports handled at the same time find the claim taken.
 */
@Singleton
public final class BuildEmails {
  private static final Logger log = LoggerFactory.getLogger(BuildEmails.class);

  private final BuildScheduleStore schedules;
  private final BuildNotifier notifier;
  private final Clock clock;

  @Inject
  BuildEmails(BuildScheduleStore schedules, BuildNotifier notifier, Clock clock) {
    this.schedules = schedules;
    this.notifier = notifier;
    this.clock = clock;
  }

  /** Emails the owner of a finished build, unless it was emailed or has no recipient. */
  void sendOnce(BuildSchedule build) {
    if (build.notifyEmail() == null) {
      return;
    }
    String claimId = UUID.randomUUID().toString();
    if (!schedules.claimEmail(build, claimId)) {
      return;
    }
    try {
      notifier.send(build, build.notifyEmail());
    } catch (RuntimeException e) {
      schedules.releaseEmail(build, claimId);
      throw e;
    }
    schedules.markEmailed(build, claimId, clock.instant());
    log.atInfo()
        .addKeyValue("scheduleId", build.scheduleId())
        .addKeyValue("status", build.status())
        .log("build email sent");
  }
}
