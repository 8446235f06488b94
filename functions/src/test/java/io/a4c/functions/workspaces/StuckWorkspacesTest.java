package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sweep of stuck workspaces: a create is re-sent twice, then failed with the step it reached; a
 * delete is re-sent until it completes, or finished at once when its host is DOWN; other work on a
 * DOWN host, and work that moved, is left alone.
 */
class StuckWorkspacesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final Duration STUCK_AFTER = Duration.ofMinutes(15);

  private WorkspaceServices services;
  private WorkspaceView created;

  @BeforeEach
  void aPendingWorkspaceOnH1() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));
    created = services.create(ALICE);
    services.commandsTo("h1"); // the create command
  }

  /** A sweep once the workspace has been still for longer than the deadline. */
  private StuckWorkspaces.Swept sweepLater() {
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    // The host keeps heartbeating: it is reachable, so its work is swept.
    services.host("h1", 0, 10, List.of(IMAGE));
    return services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER));
  }

  @Test
  void aStuckCreateIsSentAgainAndTheRedriveCounted() {
    var swept = sweepLater();

    assertThat(swept).isEqualTo(new StuckWorkspaces.Swept(1, 0));
    var stored = services.stored(created);
    assertThat(stored.redrives()).isEqualTo(1);
    assertThat(stored.state()).isEqualTo(WorkspaceState.PENDING);
    assertThat(stored.updatedAt()).isEqualTo(services.clock.instant());
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            CreateWorkspace.class,
            c -> {
              assertThat(c.workspaceId()).isEqualTo(created.workspaceId());
              assertThat(c.spec().imageRef()).isEqualTo(IMAGE);
            });
  }

  @Test
  void aCreateStillStuckAfterTwoRedrivesIsFailedWithTheStepItReached() {
    services.reports.apply(
        WorkspaceServices.report(
            "h1", created, WorkspaceState.CREATING, WorkspaceStep.STARTED, "c1", null));
    sweepLater();
    sweepLater();
    services.commandsTo("h1");

    var third = sweepLater();

    assertThat(third).isEqualTo(new StuckWorkspaces.Swept(0, 1));
    var failed = services.reads.get(ALICE, created.workspaceId());
    assertThat(failed.state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(failed.step()).isEqualTo(WorkspaceStep.STARTED);
    assertThat(failed.reason())
        .isEqualTo(
            "creation did not finish on host h1 (last step reached: STARTED);"
                + " delete this workspace and try again");
    assertThat(services.commandsTo("h1")).isEmpty();
    // A failed workspace is done: later sweeps leave it.
    assertThat(sweepLater()).isEqualTo(new StuckWorkspaces.Swept(0, 0));
  }

  @Test
  void aCreateItsHostHasInHandIsLeftToItForFourDeadlinesThenEnded() {
    services.reports.apply(
        WorkspaceServices.report(
            "h1", created, WorkspaceState.CREATING, WorkspaceStep.STARTED, "c1", null));
    // A slow create (a large pull, a busy engine): the host's every beat lists it as in hand.
    for (int deadline = 1; deadline < StuckWorkspaces.IN_HAND_DEADLINES; deadline++) {
      services.clock.advance(STUCK_AFTER.plusSeconds(1));
      services.hostWorkingOn("h1", List.of(IMAGE), created.workspaceId());

      assertThat(services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
          .as("after %d deadlines", deadline)
          .isEqualTo(new StuckWorkspaces.Swept(0, 0));
    }
    var stored = services.stored(created);
    assertThat(stored.redrives()).isZero();
    assertThat(stored.state()).isEqualTo(WorkspaceState.CREATING);
    assertThat(services.commandsTo("h1")).isEmpty();

    // A command the daemon never lets go of (a call that hangs) is ended at four deadlines: sent
    // again, it would only wait behind the one in hand.
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.hostWorkingOn("h1", List.of(IMAGE), created.workspaceId());
    assertThat(services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
        .isEqualTo(new StuckWorkspaces.Swept(0, 1));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void aDeleteItsHostHasInHandPastFourDeadlinesIsSentAgainNotEnded() {
    services.deletion.delete(user(ALICE), ALICE, created.workspaceId());
    services.commandsTo("h1");
    services.clock.advance(STUCK_AFTER.multipliedBy(StuckWorkspaces.IN_HAND_DEADLINES));
    services.hostWorkingOn("h1", List.of(IMAGE), created.workspaceId());

    assertThat(services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
        .isEqualTo(new StuckWorkspaces.Swept(1, 0));
    assertThat(services.commandsTo("h1")).singleElement().isInstanceOf(DeleteWorkspace.class);
  }

  @Test
  void aCreateListedInHandOnlyByABeatOlderThanTheDeadlineIsSentAgain() {
    services.hostWorkingOn("h1", List.of(IMAGE), created.workspaceId());
    // The host has not beaten since (the sweep that would mark it DOWN has not run yet).
    services.clock.advance(STUCK_AFTER.plusSeconds(1));

    assertThat(services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
        .isEqualTo(new StuckWorkspaces.Swept(1, 0));
    assertThat(services.stored(created).redrives()).isEqualTo(1);
  }

  @Test
  void aHostThatHasAnotherWorkspaceInHandDoesNotHoldBackThisOnesSweep() {
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.hostWorkingOn("h1", List.of(IMAGE), "ws-01jd0000000000000000000099");

    assertThat(services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
        .isEqualTo(new StuckWorkspaces.Swept(1, 0));
  }

  @Test
  void aStuckDeleteIsSentAgainEverySweepAndNeverFailed() {
    services.deletion.delete(user(ALICE), ALICE, created.workspaceId());
    services.commandsTo("h1");

    for (int sweep = 1; sweep <= 3; sweep++) {
      assertThat(sweepLater()).isEqualTo(new StuckWorkspaces.Swept(1, 0));
      assertThat(services.commandsTo("h1")).singleElement().isInstanceOf(DeleteWorkspace.class);
    }
    var stored = services.stored(created);
    assertThat(stored.state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(stored.redrives()).isEqualTo(3);
  }

  @Test
  void aWorkspaceWhoseCommandCannotBeSentDoesNotKeepTheOthersFromTheirSweep() {
    // A second stuck create, on h2: h1 now holds more, so placement takes h2.
    services.host("h1", 500L << 30, 10, List.of(IMAGE));
    services.host("h2", 0, 10, List.of(IMAGE));
    var onH2 = services.create(ALICE);
    assertThat(services.stored(onH2).hostId()).isEqualTo("h2");
    services.commandsTo("h2");
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.hostWithoutQueue("h1", 500L << 30, 10, List.of(IMAGE));
    services.host("h2", 0, 10, List.of(IMAGE));
    // h1's queue refuses every send, as it would until an operator put it back.
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");

    assertThatThrownBy(() -> services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
        .hasMessageContaining(created.workspaceId());

    // h2's create was sent again all the same.
    assertThat(services.stored(onH2).redrives()).isEqualTo(1);
    assertThat(services.commandsTo("h2")).singleElement().isInstanceOf(CreateWorkspace.class);
  }

  @Test
  void aRedriveWhoseCommandCannotBeSentIsNotCountedSoTheWorkspaceIsNotFailedForIt() {
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");
    for (int sweep = 0; sweep <= StuckWorkspaces.MAX_REDRIVES; sweep++) {
      services.clock.advance(STUCK_AFTER.plusSeconds(1));
      services.hostWithoutQueue("h1", 0, 10, List.of(IMAGE));
      assertThatThrownBy(() -> services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER)))
          .hasMessageContaining(created.workspaceId());
      assertThat(services.stored(created).redrives()).isZero();
    }
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.PENDING);

    // The queue is back: the create is sent again, counted once.
    assertThat(sweepLater()).isEqualTo(new StuckWorkspaces.Swept(1, 0));
    assertThat(services.stored(created).redrives()).isEqualTo(1);
    assertThat(services.commandsTo("h1")).singleElement().isInstanceOf(CreateWorkspace.class);
  }

  @Test
  void workOnADownHostWaitsForIt() {
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.hosts.markDown(services.host("h1"));

    var swept = services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER));

    assertThat(swept).isEqualTo(new StuckWorkspaces.Swept(0, 0));
    assertThat(services.stored(created).redrives()).isZero();
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void aDeleteWhoseHostIsDownIsFinishedWithoutItAndTheContainerAndHomeGoIfTheHostReturns() {
    services.deletion.delete(user(ALICE), ALICE, created.workspaceId());
    services.commandsTo("h1"); // the delete, which the host never carries out: it goes down
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.hosts.markDown(services.host("h1"));

    var swept = services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER));

    assertThat(swept).isEqualTo(new StuckWorkspaces.Swept(0, 0, 1));
    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.workspacesHeld(ALICE)).isZero();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();

    // The host returns with the container and home: its first inventory removes both.
    services.clock.advance(services.config.reconcileGrace().plusSeconds(1));
    services.host("h1", 0, 10, List.of(IMAGE));
    services.reconciler.reconcile(
        io.a4c.events.HostInventory.of(
            "h1",
            List.of(
                new io.a4c.events.HostInventory.Entry(
                    created.workspaceId(),
                    ALICE,
                    "c-1",
                    "running",
                    WorkspaceServices.T0,
                    "10.0.0.1",
                    true,
                    null,
                    null,
                    null)),
            services.clock.instant(),
            List.of(
                new io.a4c.events.HostInventory.Home(
                    created.workspaceId(),
                    ALICE,
                    "a4c-home-" + created.workspaceId(),
                    WorkspaceServices.T0))));
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            DeleteWorkspace.class,
            d -> {
              assertThat(d.workspaceId()).isEqualTo(created.workspaceId());
              assertThat(d.keepsHome()).isFalse();
            });
  }

  @Test
  void workThatMovedSinceTheDeadlineIsLeftAlone() {
    services.clock.advance(STUCK_AFTER.plusSeconds(1));
    services.reports.apply(
        WorkspaceServices.report(
            "h1", created, WorkspaceState.CREATING, WorkspaceStep.ACCEPTED, null, null));

    var swept = services.stuck.sweep(services.clock.instant().minus(STUCK_AFTER));

    assertThat(swept).isEqualTo(new StuckWorkspaces.Swept(0, 0));
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = WorkspaceState.class,
      names = {"RUNNING", "FAILED"})
  void settledWorkspacesAreNeverSwept(WorkspaceState state) {
    services.put(created, state, WorkspaceStep.HOSTNAME_REGISTERED);

    assertThat(sweepLater()).isEqualTo(new StuckWorkspaces.Swept(0, 0));
    assertThat(services.stored(created).state()).isEqualTo(state);
    assertThat(services.commandsTo("h1")).isEmpty();
  }
}
