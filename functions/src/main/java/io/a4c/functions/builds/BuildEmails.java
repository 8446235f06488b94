package io.a4c.functions.builds;

import io.a4c.functions.logging.SweepFailures;
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
 *
 * <p>The write that ends a build marks its email due ({@link BuildScheduleStore#EMAIL_DUE_NAME});
 * the mark goes when the email is marked sent. The sweeper sends what is still due some time after
 * the end ({@link #sendDue}): an email whose send failed where nothing delivers the ending again (a
 * lease the sweeper itself failed, a report that went to the dead-letter queue with SES down), or
 * whose function died before it claimed the email. A claim still held (a send that went but whose
 * mark could not be written, or a holder that died between claim and send) is not swept: the first
 * would send twice.
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

  /**
   * How long after its build's end an email still due is sent: one unsent after a week (SES down
   * that long) is given up, and its mark no longer read by the sweeps.
   */
  static final Duration DUE_FOR = Duration.ofDays(7);

  /** At most this many due emails are sent per sweep, so a backlog cannot hold the sweep up. */
  static final int DUE_PER_SWEEP = 50;

  private final BuildScheduleStore schedules;
  private final BuildNotifier notifier;
  private final Clock clock;

  @Inject
  BuildEmails(BuildScheduleStore schedules, BuildNotifier notifier, Clock clock) {
    this.schedules = schedules;
    this.notifier = notifier;
    this.clock = clock;
  }

  /**
   * Sends the emails still due of builds that ended more than {@link #CLAIM_TIME} ago (the time the
   * function that ended one, or the redelivery of its report, had to send it), at most {@link
   * #DUE_PER_SWEEP}. One that cannot be sent is passed over and sent by a later sweep; this one
   * throws at the end.
   *
   * @return how many were sent
   */
  public int sendDue() {
    var failures = new SweepFailures("build emails due");
    int sent = 0;
    Instant now = clock.instant();
    for (BuildSchedule build :
        schedules.emailsDue(now.minus(DUE_FOR), now.minus(CLAIM_TIME), DUE_PER_SWEEP)) {
      if (failures.run(build.scheduleId(), () -> sendOnce(build), false)) {
        sent++;
      }
    }
    failures.rethrow();
    return sent;
  }

  /**
   * Emails the owner of a finished build, unless it was emailed or has no recipient.
   *
   * @return whether this call sent it
   */
  boolean sendOnce(BuildSchedule build) {
    if (build.notifyEmail() == null) {
      schedules.emailNotDue(build);
      return false;
    }
    String claimId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    if (!schedules.claimEmail(build, claimId, now, now.plus(CLAIM_TIME))) {
      return false;
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
      return true;
    }
    log.atInfo()
        .addKeyValue("scheduleId", build.scheduleId())
        .addKeyValue("status", build.status())
        .log("build email sent");
    return true;
  }
}
