package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Build jobs lost from their queue, against Dynoxide and ElasticMQ: a job sent and lost from an
 * empty queue is sent again past the deadline, and a re-send that fails neither holds the job back
 * a deadline nor keeps the other builds' jobs from being sent.
 */
class LostBuildJobsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final Duration SWEEP = Duration.ofMinutes(1);

  private final TestClock clock = new TestClock(T0);

  /** Sends to refuse before they go through again. */
  private final AtomicInteger refuse = new AtomicInteger();

  private BuildScheduleStore store;
  private LostBuildJobs lost;
  private String queue;

  @BeforeEach
  void stores() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    queue = sqs.createQueue("builds-amd64");
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.BUILD_QUEUE_URL_AMD64, queue);
    env.put(FunctionsEnv.BUILD_QUEUE_URL_ARM64, sqs.createQueue("builds-arm64"));
    // A queue that answers its attributes and refuses sends: ElasticMQ does not on cue.
    var refusing =
        ClientSpy.on(
            SqsClient.class,
            sqs.client(),
            call -> {
              if (call.is("sendMessage") && refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw SqsException.builder().message("injected").statusCode(500).build();
              }
              return call.proceed();
            });
    var jobs =
        new BuildJobSender(refusing, EventJson.newMapper(), FunctionsConfig.fromEnvironment(env));
    lost = new LostBuildJobs(store, jobs, clock);
  }

  @Test
  void aJobLostFromAnEmptyQueueIsSentAgainPastTheDeadlineOnce() {
    var build = queued("amy");
    assertThat(lost.resend(clock.instant().minus(DEADLINE))).isZero();

    clock.advance(DEADLINE.plus(SWEEP));
    assertThat(lost.resend(clock.instant().minus(DEADLINE))).isEqualTo(1);
    assertThat(sqs.receive(queue)).containsExactly(build.job());

    clock.advance(SWEEP);
    assertThat(lost.resend(clock.instant().minus(DEADLINE))).as("a deadline since").isZero();
  }

  @Test
  void aResendThatFailsLeavesTheJobToTheNextSweepNotADeadlineLater() {
    var build = queued("ben");
    clock.advance(DEADLINE.plus(SWEEP));
    refuse.set(1);

    var thrown = catchThrowable(() -> lost.resend(clock.instant().minus(DEADLINE)));

    assertThat(get(build).lastSentAt()).as("never sent: not moved").isEqualTo(T0);
    assertThat(thrown).hasMessageContaining("lost build jobs");
    clock.advance(SWEEP);
    assertThat(lost.resend(clock.instant().minus(DEADLINE))).isEqualTo(1);
    assertThat(sqs.receive(queue)).containsExactly(build.job());
  }

  @Test
  void aBuildWhoseJobCannotBeSentDoesNotKeepTheOthersFromBeingSent() {
    var first = queued("cat");
    var second = queued("dan");
    clock.advance(DEADLINE.plus(SWEEP));
    refuse.set(1); // whichever the sweep sends first

    var thrown = catchThrowable(() -> lost.resend(clock.instant().minus(DEADLINE)));

    assertThat(sqs.receive(queue)).as("the other one's job").hasSize(1);
    assertThat(thrown).hasMessageContaining("lost build jobs");
    clock.advance(SWEEP);
    assertThat(lost.resend(clock.instant().minus(DEADLINE))).isEqualTo(1);
    assertThat(sqs.receive(queue)).hasSize(1);
    assertThat(get(first).lastSentAt()).isAfter(T0);
    assertThat(get(second).lastSentAt()).isAfter(T0);
  }

  /** A user build whose job was sent at {@code T0} (and lost since: the queue holds nothing). */
  private BuildSchedule queued(String userId) {
    var build =
        new BuildSchedule(
            userId,
            "bs-" + userId + "0".repeat(26 - userId.length()),
            null,
            "proj",
            "main",
            Arch.AMD64,
            null,
            BuildKind.USER,
            BuildStatus.SCHEDULED,
            0,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            true,
            "{\"job\":\"" + userId + "\"}",
            T0,
            null,
            null,
            T0,
            T0);
    store.insertCounted(build, 3);
    return build;
  }

  private BuildSchedule get(BuildSchedule build) {
    return store.get(build.userId(), build.scheduleId(), true).orElseThrow();
  }
}
