package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.email.PlainEmails;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

/**
 * The end-of-build email against Dynoxide, with an SES client that counts what it is given (and, a
 * mock of a fault the local SES cannot be made to show on cue, refuses while told to): sent once,
 * still sent when a function died holding its claim, and sent by a later sweep when SES refused it
 * where nothing else would try again.
 */
class BuildEmailsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private final AtomicInteger sent = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean sesRefuses =
      new java.util.concurrent.atomic.AtomicBoolean();
  private BuildScheduleStore schedules;
  private BuildEmails emails;
  private BuildSchedule build;

  @BeforeEach
  void services() {
    var env = FunctionsConfigTest.minimal();
    FunctionsConfig config = FunctionsConfig.fromEnvironment(env);
    var client = dynamo.client();
    schedules =
        new BuildScheduleStore(
            client,
            new UsageCounters(client, dynamo.table(A4cTables.USAGE)),
            dynamo.table(A4cTables.BUILD_SCHEDULES));
    emails =
        new BuildEmails(
            schedules, new BuildNotifier(new PlainEmails(countingSes(), config)), clock);
    build = inserted("1", "alice", "alice@example.com");
  }

  @Test
  void duplicateReportsSendOneEmail() {
    emails.sendOnce(build);
    clock.advance(BuildEmails.CLAIM_TIME.multipliedBy(2));
    emails.sendOnce(build);

    assertThat(sent).hasValue(1);
  }

  @Test
  void aClaimWhoseHolderTimedOutBeforeSendingIsTakenOverOnceItsTimeRanOut() {
    // The first delivery's function took the claim and was stopped by its timeout before sending:
    // it gave nothing back.
    assertThat(schedules.claimEmail(build, "timed-out", T0, T0.plus(BuildEmails.CLAIM_TIME)))
        .isTrue();

    // A duplicate while the claim may still be live does not send a second email.
    clock.advance(BuildEmails.CLAIM_TIME.minusSeconds(1));
    emails.sendOnce(build);
    assertThat(sent).hasValue(0);

    // The redelivery after the claim's time sends, once.
    clock.advance(java.time.Duration.ofSeconds(1));
    emails.sendOnce(build);
    emails.sendOnce(build);
    assertThat(sent).hasValue(1);
  }

  @Test
  void anEmailSentWhoseMarkCannotBeWrittenIsNotSentAgainByTheReportsRedelivery() {
    var client = dynamo.client();
    var failingMark =
        ClientSpy.on(
            client,
            call -> {
              if (call.is("updateItem") && call.first() instanceof Consumer<?>) {
                var request = call.request(UpdateItemRequest.class);
                if (request.updateExpression().startsWith("SET emailSentAt")) {
                  throw ProvisionedThroughputExceededException.builder()
                      .message("throttled")
                      .build();
                }
                return client.updateItem(request);
              }
              return call.proceed();
            });
    var throttled =
        new BuildEmails(
            new BuildScheduleStore(
                failingMark,
                new UsageCounters(client, dynamo.table(A4cTables.USAGE)),
                dynamo.table(A4cTables.BUILD_SCHEDULES)),
            new BuildNotifier(
                new PlainEmails(
                    countingSes(), FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal()))),
            clock);

    // The email goes; writing that it went is throttled. The report's handling must not fail:
    // its redelivery (after the host-events visibility, past the claim's time) would send again.
    assertThat(schedules.failUnfinished("alice", build.scheduleId(), "ended", T0)).isTrue();
    var ended = schedules.get("alice", build.scheduleId(), true).orElseThrow();
    throttled.sendOnce(ended);
    assertThat(sent).hasValue(1);

    // Nor does the sweep of due emails: the claim still held may be such a send.
    clock.advance(BuildEmails.CLAIM_TIME.multipliedBy(3));
    assertThat(emails.sendDue()).isZero();
    assertThat(sent).hasValue(1);
  }

  @Test
  void aBuildEndedWhileSesRefusedIsEmailedByALaterSweepOnce() {
    // The sweeper fails a build whose lease ran out: nothing delivers that ending again.
    assertThat(schedules.failUnfinished("alice", build.scheduleId(), "lease ran out", T0)).isTrue();
    sesRefuses.set(true);
    var ended = schedules.get("alice", build.scheduleId(), true).orElseThrow();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> emails.sendOnce(ended))
        .isInstanceOf(software.amazon.awssdk.services.sesv2.model.SesV2Exception.class);
    sesRefuses.set(false);

    // Not due before the ending's own function and redeliveries had their time.
    clock.advance(BuildEmails.CLAIM_TIME.minusSeconds(1));
    assertThat(emails.sendDue()).isZero();
    clock.advance(java.time.Duration.ofSeconds(2));
    assertThat(emails.sendDue()).isEqualTo(1);
    assertThat(sent).hasValue(1);

    // Sent and marked: no later sweep sends it again.
    clock.advance(BuildEmails.CLAIM_TIME.multipliedBy(3));
    assertThat(emails.sendDue()).isZero();
    emails.sendOnce(ended);
    assertThat(sent).hasValue(1);
    assertThat(schedules.emailsDue(T0.minusSeconds(1), clock.instant(), 10)).isEmpty();
  }

  @Test
  void aSweepWhileSesStillRefusesSendsNothingThrowsAndLeavesItDue() {
    assertThat(schedules.failUnfinished("alice", build.scheduleId(), "dead-lettered", T0)).isTrue();
    clock.advance(BuildEmails.CLAIM_TIME.multipliedBy(2));
    sesRefuses.set(true);

    org.assertj.core.api.Assertions.assertThatThrownBy(emails::sendDue)
        .hasMessageContaining(build.scheduleId());
    assertThat(schedules.emailsDue(T0.minusSeconds(1), clock.instant(), 10))
        .extracting(BuildSchedule::scheduleId)
        .containsExactly(build.scheduleId());

    sesRefuses.set(false);
    assertThat(emails.sendDue()).isEqualTo(1);
    assertThat(sent).hasValue(1);
  }

  @Test
  void anEndingWhoseFunctionDiedBeforeItsEmailIsEmailedByASweep() {
    assertThat(schedules.failUnfinished("alice", build.scheduleId(), "dead-lettered", T0)).isTrue();
    // the function stops here: no sendOnce
    clock.advance(BuildEmails.CLAIM_TIME.plusSeconds(1));

    assertThat(emails.sendDue()).isEqualTo(1);
    assertThat(emails.sendDue()).isZero();
    assertThat(sent).hasValue(1);
  }

  @Test
  void anEmailStillDueAWeekAfterItsBuildEndedIsGivenUp() {
    assertThat(schedules.failUnfinished("alice", build.scheduleId(), "dead-lettered", T0)).isTrue();
    clock.advance(BuildEmails.DUE_FOR.plusSeconds(1));

    assertThat(emails.sendDue()).isZero();
    assertThat(sent).hasValue(0);
  }

  @Test
  void aBuildWithoutARecipientIsNoLongerDueOnceLookedAt() {
    var silent = inserted("2", "bob", null);
    assertThat(schedules.failUnfinished("bob", silent.scheduleId(), "dead-lettered", T0)).isTrue();
    clock.advance(BuildEmails.CLAIM_TIME.plusSeconds(1));

    assertThat(emails.sendDue()).isZero();
    assertThat(schedules.emailsDue(T0.minusSeconds(1), clock.instant(), 10)).isEmpty();
    assertThat(sent).hasValue(0);
  }

  /** A SCHEDULED build of {@code user}'s, emailed to {@code email} (null: nobody), stored. */
  private BuildSchedule inserted(String idSuffix, String user, String email) {
    var job =
        BuildJob.of(
            "bs-" + "0".repeat(25) + idSuffix,
            user,
            BuildKind.USER,
            "shop",
            "main",
            Arch.AMD64,
            "4711",
            new BuildSpec(
                "debian:12", List.of(), List.of(), BuildSource.git("https://git.example/shop.git")),
            T0);
    var scheduled = BuildSchedule.scheduled(job, "{}", null, email);
    assertThat(schedules.insert(scheduled)).isTrue();
    return scheduled;
  }

  /** An SES client that counts the emails it is given and takes each. */
  private SesV2Client countingSes() {
    return ClientSpy.stub(
        SesV2Client.class,
        call -> {
          if (!call.is("sendEmail")) {
            throw new UnsupportedOperationException(call.method().getName());
          }
          if (sesRefuses.get()) {
            throw software.amazon.awssdk.services.sesv2.model.SesV2Exception.builder()
                .message("refused")
                .statusCode(503)
                .build();
          }
          sent.incrementAndGet();
          return SendEmailResponse.builder().messageId("m-" + sent.get()).build();
        });
  }
}
