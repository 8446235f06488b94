package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildMessage;
import io.a4c.events.EventJson;
import io.a4c.functions.config.FunctionsConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the build dead-letter queue: a job lands there after the build queue handed it out N
 * times without any builder finishing it (builders died or lost it). Its schedule, if still
 * unfinished, becomes FAILED with that reason and the owner is emailed. Each record on its own;
 * idempotent (the FAILED write is conditional, the email claimed once). Fields of a later release
 * are ignored; a job this release cannot read at all is reported failed, so it stays on the
 * dead-letter queue (alarmed) until a release that reads it takes it, rather than being dropped.
 */
@Singleton
public final class BuildDeadLetters {
  private static final Logger log = LoggerFactory.getLogger(BuildDeadLetters.class);

  private final ObjectReader jobs;
  private final BuildScheduleStore schedules;
  private final BuildEmails emails;
  private final Clock clock;
  private final int maxReceives;

  @Inject
  BuildDeadLetters(
      ObjectMapper json,
      BuildScheduleStore schedules,
      BuildEmails emails,
      Clock clock,
      FunctionsConfig config) {
    this.jobs = EventJson.messageReader(json, BuildMessage.class);
    this.schedules = schedules;
    this.emails = emails;
    this.clock = clock;
    this.maxReceives = config.builds().maxReceives();
  }

  /** Handles a batch; the response names the records to retry. */
  public SQSBatchResponse handle(SQSEvent event) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      BuildJob job;
      try {
        job = (BuildJob) jobs.readValue(message.getBody());
      } catch (IOException | IllegalArgumentException e) {
        log.atError()
            .addKeyValue("messageId", message.getMessageId())
            .setCause(e)
            .log("unreadable dead-lettered build left on the dead-letter queue");
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
        continue;
      }
      try {
        fail(job);
      } catch (Exception e) {
        log.atWarn()
            .addKeyValue("scheduleId", job.scheduleId())
            .setCause(e)
            .log("dead-lettered build not applied; it will be retried");
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  private void fail(BuildJob job) {
    var stored = schedules.get(job.userId(), job.scheduleId(), true);
    if (stored.isEmpty()
        || stored.get().status().isFinal()
            && stored.get().status() != io.a4c.events.BuildStatus.FAILED) {
      return; // completed or cancelled: the dead letter is a leftover duplicate
    }
    BuildSchedule build = stored.get();
    String reason =
        "no builder finished the build: its job was handed out "
            + maxReceives
            + " times and every builder that took it stopped or lost it"
            + (build.workerId() == null
                ? ""
                : " (last: " + build.workerId() + ", attempt " + build.attempt() + ")");
    if (schedules.failUnfinished(job.userId(), job.scheduleId(), reason, clock.instant())) {
      log.atWarn().addKeyValue("scheduleId", job.scheduleId()).log("build failed: dead-lettered");
    }
    var after = schedules.get(job.userId(), job.scheduleId(), true).orElseThrow();
    if (after.status() == io.a4c.events.BuildStatus.FAILED) {
      emails.sendOnce(after);
    }
  }
}
