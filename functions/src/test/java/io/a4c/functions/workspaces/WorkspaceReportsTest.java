package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Applying what hosts report: forward moves only, so a duplicate or late report never moves a
 * record backwards; DELETED removes the record once; reports from another host are dropped.
 */
class WorkspaceReportsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final String CONTAINER = "c0ffee";
  private static final String IP = "172.17.0.5";

  private WorkspaceServices services;
  private WorkspaceView created;

  @BeforeEach
  void aPendingWorkspaceOnH1() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));
    services.host("h2", 0, 10, List.of(IMAGE));
    services.hosts.setStatus(
        "h2", io.a4c.functions.hosts.HostStatus.ACTIVE, io.a4c.functions.hosts.HostStatus.DRAINING);
    created = services.create(ALICE);
  }

  @Test
  void theCreateStepsMoveAWorkspaceToRunningWithItsContainerAndAddress() {
    services.clock.advance(Duration.ofSeconds(1));
    for (var step :
        List.of(
            WorkspaceStep.ACCEPTED,
            WorkspaceStep.CONTAINER_CREATED,
            WorkspaceStep.STARTED,
            WorkspaceStep.SETUP_DONE)) {
      assertThat(
              services.reports.apply(
                  report("h1", created, WorkspaceState.CREATING, step, CONTAINER, null)))
          .as("%s", step)
          .isTrue();
    }
    assertThat(
            services.reports.apply(
                report(
                    "h1",
                    created,
                    WorkspaceState.RUNNING,
                    WorkspaceStep.HOSTNAME_REGISTERED,
                    CONTAINER,
                    IP)))
        .isTrue();

    var running = services.reads.get(ALICE, created.workspaceId());
    assertThat(running.state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(running.step()).isEqualTo(WorkspaceStep.HOSTNAME_REGISTERED);
    assertThat(running.containerId()).isEqualTo(CONTAINER);
    assertThat(running.ip()).isEqualTo(IP);
    assertThat(running.updatedAt()).isEqualTo(services.clock.instant());
    assertThat(running.createdAt()).isEqualTo(created.createdAt());
    assertThat(services.stored(created).version()).isEqualTo(6);
  }

  @Test
  void aDuplicateReportChangesNothing() {
    var step =
        report(
            "h1",
            created,
            WorkspaceState.CREATING,
            WorkspaceStep.CONTAINER_CREATED,
            CONTAINER,
            null);
    services.reports.apply(step);
    var before = services.stored(created);

    assertThat(services.reports.apply(step)).isFalse();
    assertThat(services.stored(created)).isEqualTo(before);
  }

  @Test
  void anEarlierStepArrivingLateChangesNothing() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.SETUP_DONE, CONTAINER, null));
    var before = services.stored(created);

    assertThat(
            services.reports.apply(
                report("h1", created, WorkspaceState.CREATING, WorkspaceStep.STARTED, null, null)))
        .isFalse();
    assertThat(services.stored(created)).isEqualTo(before);
  }

  @Test
  void aCreatingReportArrivingAfterRunningNeverMovesTheRecordBack() {
    services.reports.apply(
        report(
            "h1",
            created,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            CONTAINER,
            IP));
    var before = services.stored(created);

    for (var late :
        List.of(
            report("h1", created, WorkspaceState.CREATING, WorkspaceStep.ACCEPTED, null, null),
            report(
                "h1",
                created,
                WorkspaceState.CREATING,
                WorkspaceStep.IP_ASSIGNED,
                CONTAINER,
                "10.0.0.9"))) {
      assertThat(services.reports.apply(late)).isFalse();
    }
    assertThat(services.stored(created)).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(
      value = WorkspaceState.class,
      names = {"PENDING", "CREATING", "RUNNING", "FAILED"})
  void noReportMovesADeletingWorkspaceAnywhereButGone(WorkspaceState reported) {
    services.deletion.delete(WorkspaceServices.user(ALICE), ALICE, created.workspaceId());
    var before = services.stored(created);

    assertThat(
            services.reports.apply(
                report("h1", created, reported, WorkspaceStep.IP_ASSIGNED, CONTAINER, IP)))
        .isFalse();
    assertThat(services.stored(created)).isEqualTo(before);
  }

  @Test
  void aFailedReportKeepsTheReasonAndTheStepReached() {
    services.reports.apply(
        report("h1", created, WorkspaceState.FAILED, WorkspaceStep.STARTED, CONTAINER, null));

    var failed = services.reads.get(ALICE, created.workspaceId());
    assertThat(failed.state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(failed.step()).isEqualTo(WorkspaceStep.STARTED);
    assertThat(failed.reason()).isEqualTo("setup failed");
  }

  @Test
  void theDeletedReportRemovesTheRecordAndGivesBackItsSlotAndQuotaUnitOnce() {
    var other = services.create(ALICE);
    services.deletion.delete(WorkspaceServices.user(ALICE), ALICE, created.workspaceId());
    var deleted = report("h1", created, WorkspaceState.DELETED, WorkspaceStep.REMOVED, null, null);

    assertThat(services.reports.apply(deleted)).isTrue();
    assertThat(services.reports.apply(deleted)).isFalse();

    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.store.get(ALICE, other.workspaceId(), true)).isPresent();
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
  }

  @Test
  void aDeletedReportForAWorkspaceNotBeingDeletedIsDropped() {
    assertThat(
            services.reports.apply(
                report("h1", created, WorkspaceState.DELETED, WorkspaceStep.REMOVED, null, null)))
        .isFalse();
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.PENDING);
  }

  @Test
  void aReportFromAHostTheWorkspaceIsNotOnIsDroppedAndAudited() {
    var before = services.stored(created);

    assertThat(
            services.reports.apply(
                report("h2", created, WorkspaceState.FAILED, WorkspaceStep.STARTED, null, null)))
        .isFalse();

    assertThat(services.stored(created)).isEqualTo(before);
    assertThat(services.audited(ALICE))
        .filteredOn(e -> e.action().equals("host-event.rejected"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("host:h2");
              assertThat(e.details()).containsEntry("workspaceId", created.workspaceId());
            });
  }
}
