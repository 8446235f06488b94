package io.a4c.functions.builds;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a finished build's email once: whoever takes the record's email claim (a conditional write)
 * sends, then marks it sent; a failed send gives the claim back and throws, so the report's
 * redelivery tries again. Duplicate reports handled at the same time find the claim taken. A claim
 * lasts {@link #CLAIM_TIME}: a holder that dies between claim and send (a function timing out)
 * gives nothing back, and the report's redelivery after that time sends. A send whose mark cannot
 * be written still counts as done, so the caller's report is not delivered again to send a second
 * one.
 */
@Singleton
public final class BuildEmails {
  private static final Logger log = LoggerFactory.getLogger(BuildEmails.class);

  /**
   * How long an email claim holds: longer than any function that sends runs (the host-events
   * consumer 30 s, the scheduled ones 60 s), so a live holder is never doubled; shorter than the
   * host-events queue's visibility (3 minutes), so the redelivery of a report whose function timed
   * out finds the claim expired and sends.
   */
  static final Duration CLAIM_TIME = Duration.ofMinutes(2);

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
    Instant now = clock.instant();
    if (!schedules.claimEmail(build, claimId, now, now.plus(CLAIM_TIME))) {
      return;
    }
    try {
      notifier.send(build, build.notifyEmail());
    } catch (RuntimeException e) {
      schedules.releaseEmail(build, claimId);
      throw e;
    }
    try {
      schedules.markEmailed(build, claimId, clock.instant());
    } catch (RuntimeException e) {
      // The email went: failing the caller now would have its report delivered again after the
      // claim ran out, and that delivery would send a second email. The claim stays, unexpired
      // for CLAIM_TIME; only a report arriving after that would send again.
      log.atWarn()
          .addKeyValue("scheduleId", build.scheduleId())
          .setCause(e)
          .log("build email sent but not marked sent");
      return;
    }
    log.atInfo()
        .addKeyValue("scheduleId", build.scheduleId())
        .addKeyValue("status", build.status())
        .log("build email sent");
  }
}
