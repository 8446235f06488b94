package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static io.a4c.functions.workspaces.WorkspaceServices.request;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.email.PlainEmails;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * The expiry warning of a stopped workspace against Dynoxide, with an SES stand-in that counts what
 * it is given: claimed before it is sent, marked given only after, taken over from a sweep that
 * died holding its claim — never lost, never sent twice by sweeps that overlap.
 */
class WorkspaceExpiryTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  /** What a sweep's function being killed looks like to the code it ran: nothing is caught. */
  private static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  private final AtomicInteger sent = new AtomicInteger();

  /** Runs as SES is asked to send, before it takes the email. */
  private final AtomicReference<Runnable> onSend = new AtomicReference<>(() -> {});

  private WorkspaceServices services;
  private WorkspaceExpiry expiry;
  private WorkspaceView created;

  @BeforeEach
  void aStoppedWorkspaceOfAProjectThatDeletesThemAfterADay() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.setLifecycle(null, 1);
    services.host("h1", 0, 2, List.of(IMAGE));
    created = stoppedWorkspace("c0ffee", "10.251.3.4");
    expiry =
        new WorkspaceExpiry(
            services.store,
            services.deletion,
            new WorkspaceNotifier(new PlainEmails(ses(), services.config)),
            services.audit,
            services.clock);
    services.clock.advance(Duration.ofHours(1)); // the warning is due: the deletion is a day on
  }

  /** A workspace of alice's on h1, created, run and stopped by her a second later. */
  private WorkspaceView stoppedWorkspace(String containerId, String ip) {
    var workspace =
        services.creation.create(user(ALICE), ALICE, "alice@example.com", request(null), null);
    services.reports.apply(
        report(
            "h1",
            workspace,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            containerId,
            ip));
    services.lifecycle.stop(user(ALICE), ALICE, workspace.workspaceId());
    services.clock.advance(Duration.ofSeconds(1));
    services.reports.apply(
        WorkspaceStatus.of(
                "h1",
                workspace.workspaceId(),
                ALICE,
                WorkspaceState.STOPPED,
                WorkspaceStep.CONTAINER_STOPPED,
                containerId,
                null,
                null,
                services.clock.instant())
            .forOperation(1L, IMAGE)
            .stoppedBecause(WorkspaceStatus.USER));
    services.commandsTo("h1");
    return workspace;
  }

  @Test
  void theWarningIsMarkedGivenOnlyOnceItsEmailWent() {
    var duringTheSend = new AtomicReference<Workspace.Lifecycle>();
    onSend.set(() -> duringTheSend.set(services.stored(created).life()));

    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));

    assertThat(sent).hasValue(1);
    assertThat(duringTheSend.get().expiryWarnedAt()).as("not given while sending").isNull();
    assertThat(duringTheSend.get().expiryWarningClaimedAt()).isEqualTo(services.clock.instant());
    var given = services.stored(created).life();
    assertThat(given.expiryWarnedAt()).isEqualTo(services.clock.instant());
    assertThat(given.expiryWarningClaimedAt()).isNull();
  }

  @Test
  void aSweepKilledWhileSendingLeavesTheWarningToASweepTwoMinutesLaterWhichSendsItOnce() {
    onSend.set(
        () -> {
          throw new Killed();
        });

    assertThatThrownBy(expiry::sweep).isInstanceOf(Killed.class);
    onSend.set(() -> {});

    assertThat(services.stored(created).life().expiryWarnedAt()).as("never given").isNull();
    services.clock.advance(Duration.ofSeconds(90));
    assertThat(expiry.sweep())
        .as("its claim still held")
        .isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    assertThat(sent).hasValue(0);

    services.clock.advance(Duration.ofSeconds(31));
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    assertThat(sent).hasValue(1);
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    assertThat(sent).hasValue(1);

    // Deleted a day after the warning that went, not before.
    services.clock.advance(Duration.ofHours(23));
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    services.clock.advance(Duration.ofHours(2));
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 1));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
  }

  @Test
  void aSweepThatOverlapsTheOneSendingFindsTheClaimHeldAndSendsNothing() {
    var overlapping = new AtomicReference<WorkspaceExpiry.Expired>();
    onSend.set(
        () -> {
          onSend.set(() -> {});
          overlapping.set(expiry.sweep());
        });

    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));

    assertThat(overlapping.get()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    assertThat(sent).hasValue(1);
  }

  @Test
  void aSendSesRefusesGivesTheClaimBackFailsTheSweepAndTheNextSweepSends() {
    onSend.set(
        () -> {
          throw SesV2Exception.builder().message("refused").statusCode(503).build();
        });

    // Counted as a sweep error, as the other parts' failures are.
    assertThatThrownBy(expiry::sweep)
        .hasMessageStartingWith("workspace expiry: " + created.workspaceId() + " failed")
        .hasRootCauseInstanceOf(SesV2Exception.class);
    var life = services.stored(created).life();
    assertThat(life.expiryWarnedAt()).isNull();
    assertThat(life.expiryWarningClaimedAt()).isNull();

    onSend.set(() -> {});
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    assertThat(sent).hasValue(1);
  }

  @Test
  void aWarningThatCannotBeSentDoesNotKeepTheOtherWorkspacesFromTheirsAndTheSweepFails() {
    services.host("h1", 0, 2, List.of(IMAGE)); // beating on, so it takes a second workspace
    var second = stoppedWorkspace("beef", "10.251.3.5");
    services.clock.advance(Duration.ofSeconds(1));
    // SES refuses the first email it is given, whichever workspace's it is, and takes the next.
    var refused = new AtomicReference<String>();
    onSend.set(
        () -> {
          if (refused.compareAndSet(null, "refused")) {
            throw SesV2Exception.builder().message("refused").statusCode(503).build();
          }
        });

    assertThatThrownBy(expiry::sweep).hasMessageStartingWith("workspace expiry: ");

    assertThat(sent).as("the other workspace's warning went").hasValue(1);
    var warned =
        java.util.stream.Stream.of(created, second)
            .filter(w -> services.stored(w).life().expiryWarnedAt() != null)
            .toList();
    assertThat(warned).hasSize(1);
    // The next sweep warns the one refused, and fails no more.
    assertThat(expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    assertThat(sent).hasValue(2);
  }

  @Test
  void aHeldClaimIsRefusedUntilItIsOldEnoughToBeTakenOver() {
    var now = services.clock.instant();
    var read = services.stored(created);
    assertThat(services.store.claimExpiryWarning(read, claimed(read, now), now)).isTrue();

    var again = services.stored(created);
    var later = now.plus(Duration.ofSeconds(30));
    assertThat(services.store.claimExpiryWarning(again, claimed(again, later), now)).isFalse();
    assertThat(
            services.store.claimExpiryWarning(
                again, claimed(again, later), now.plus(Duration.ofMillis(1))))
        .as("a claim older than the take-over time")
        .isTrue();
    assertThat(services.stored(created).life().expiryWarningClaimedAt()).isEqualTo(later);
  }

  private static Workspace claimed(Workspace read, java.time.Instant at) {
    return read.withLife(read.life().warningClaimed(at))
        .moved(read.state(), read.step(), read.reason(), at);
  }

  /** An SES client that runs {@link #onSend}, then counts and takes the email. */
  private SesV2Client ses() {
    return ClientSpy.stub(
        SesV2Client.class,
        call -> {
          if (!call.is("sendEmail")) {
            throw new UnsupportedOperationException(call.method().getName());
          }
          onSend.get().run();
          sent.incrementAndGet();
          return SendEmailResponse.builder().messageId("m-" + sent.get()).build();
        });
  }
}
