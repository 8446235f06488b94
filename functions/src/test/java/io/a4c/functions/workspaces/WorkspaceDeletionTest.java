package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ADMIN;
import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.DeleteWorkspace;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Deleting a workspace from each state, again, and by force. */
class WorkspaceDeletionTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private WorkspaceServices services;
  private WorkspaceView created;

  @BeforeEach
  void aWorkspaceOnH1() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));
    created = services.create(ALICE);
    services.commandsTo("h1"); // the create command
    services.clock.advance(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @EnumSource(
      value = WorkspaceState.class,
      names = {"PENDING", "CREATING", "RUNNING", "FAILED"})
  void aWorkspaceInAnyStateIsMarkedDeletingAndItsHostAskedToRemoveIt(WorkspaceState state) {
    if (state != WorkspaceState.PENDING) {
      services.put(created, state, WorkspaceStep.STARTED);
    }

    var deleting = services.deletion.delete(user(ALICE), ALICE, created.workspaceId());

    assertThat(deleting.state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(deleting.updatedAt()).isEqualTo(services.clock.instant());
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            DeleteWorkspace.class,
            c -> assertThat(c.workspaceId()).isEqualTo(created.workspaceId()));
    assertThat(services.auditedActions(ALICE)).contains("workspace.delete");
    // The slot and the quota unit stay taken until the host reports the container gone.
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = WorkspaceState.class,
      names = {"RUNNING", "STOPPED", "DELETING"})
  void aWorkspaceOfALostHostSaysSoAndIsDeletedAtOnceFreeingItsSlotAndQuota(WorkspaceState state) {
    services.put(created, state, WorkspaceStep.STARTED);
    var other = services.create(ALICE);
    services.put(other, WorkspaceState.RUNNING, WorkspaceStep.STARTED);
    services.commandsTo("h1");
    long slots = services.host("h1").assignedWorkspaces();
    boolean held = services.stored(created).life().slotHeld();
    hostGoesDown("h1");

    var seen = services.reads.get(ALICE, created.workspaceId());
    assertThat(seen.state()).isEqualTo(state);
    assertThat(seen.hostReachable()).isFalse();
    assertThat(seen.unreachable())
        .contains("host h1 has sent no heartbeat since")
        .contains("Delete it");

    var deleted = services.deletion.delete(user(ALICE), ALICE, created.workspaceId());

    assertThat(deleted.state()).isEqualTo(WorkspaceState.DELETING);
    assertThatThrownBy(() -> services.reads.get(ALICE, created.workspaceId()))
        .isInstanceOf(WorkspaceNotFoundException.class);
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(held ? slots - 1 : slots);
    assertThat(services.audited(ALICE))
        .anySatisfy(
            e -> {
              assertThat(e.action()).isEqualTo("workspace.delete");
              assertThat(e.details()).containsEntry("hostDown", "true");
            });
    // Nothing is sent to a host that cannot take it; its reconciler removes what is left.
    assertThat(services.commandsTo("h1")).isEmpty();

    // The host beats again: its other workspace is reachable, with nothing to explain.
    services.host("h1", 0, 10, List.of(IMAGE));
    services.clock.advance(Duration.ofSeconds(10));
    var back = services.reads.get(ALICE, other.workspaceId());
    assertThat(back.state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(back.hostReachable()).isTrue();
    assertThat(back.unreachable()).isNull();
  }

  /** {@code hostId} stays silent past the grace and the sweeper marks it DOWN. */
  private void hostGoesDown(String hostId) {
    services.clock.advance(services.config.hostDownAfter().plusSeconds(10));
    assertThat(
            new io.a4c.functions.hosts.SilentHosts(services.hosts, services.clock, services.config)
                .markDown())
        .isEqualTo(1);
    assertThat(services.host(hostId).status()).isEqualTo(io.a4c.functions.hosts.HostStatus.DOWN);
  }

  @Test
  void deletingAWorkspaceAlreadyDeletingAsksItsHostAgainWithoutWritingIt() {
    services.deletion.delete(user(ALICE), ALICE, created.workspaceId());
    var first = services.stored(created);
    services.clock.advance(Duration.ofSeconds(5));

    var again = services.deletion.delete(user(ALICE), ALICE, created.workspaceId());

    assertThat(again.state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.stored(created)).isEqualTo(first);
    assertThat(services.commandsTo("h1"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(DeleteWorkspace.class));
  }

  @Test
  void whenTheDeleteCommandCannotBeSentTheWorkspaceStaysDeletingForTheSweeper() {
    dropCommandQueue("h1");

    assertThatThrownBy(() -> services.deletion.delete(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
  }

  @Test
  void aDeleteWhoseCommandCannotBeSentIsAuditedSinceTheSweeperCarriesItOut() {
    dropCommandQueue("h1");

    assertThatThrownBy(() -> services.deletion.delete(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOf(ProblemException.class);

    // The record is DELETING: the sweeper re-sends the delete and the workspace goes, home and all.
    // Who asked for it must be in the trail, not only in a request that answered 503.
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.auditedActions(ALICE)).contains("workspace.delete");
  }

  /** The host's command queue is gone: every send to it fails (a 503). */
  static void dropCommandQueue(MessageQueues sqs, String hostId) {
    sqs.client()
        .deleteQueue(
            b ->
                b.queueUrl(
                    sqs.client()
                        .getQueueUrl(
                            q ->
                                q.queueName(
                                    io.a4c.events.HostQueues.commandQueueName(
                                        sqs.hostQueuePrefix(), hostId)))
                        .queueUrl()));
  }

  private void dropCommandQueue(String hostId) {
    dropCommandQueue(sqs, hostId);
  }

  @Test
  void deletingAWorkspaceTheUserDoesNotHaveIsNotFound() {
    assertThatThrownBy(() -> services.deletion.delete(user("bob"), "bob", created.workspaceId()))
        .isInstanceOf(WorkspaceNotFoundException.class);
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.PENDING);
  }

  @ParameterizedTest
  @EnumSource(
      value = WorkspaceState.class,
      names = {"PENDING", "CREATING", "RUNNING", "FAILED", "DELETING"})
  void aForcedDeleteRemovesTheRecordAtOnceAndGivesBackTheSlotAndQuotaUnit(WorkspaceState state) {
    if (state != WorkspaceState.PENDING) {
      services.put(created, state, WorkspaceStep.STARTED);
    }

    services.deletion.forceDelete(ADMIN, ALICE, created.workspaceId());

    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.workspacesHeld(ALICE)).isZero();
    assertThat(services.commandsTo("h1")).isEmpty();
    assertThat(services.auditedActions(ALICE)).contains("workspace.force-delete");
  }

  @Test
  void aForcedDeleteOfAWorkspaceThatIsGoneIsNotFound() {
    services.deletion.forceDelete(ADMIN, ALICE, created.workspaceId());

    assertThatThrownBy(() -> services.deletion.forceDelete(ADMIN, ALICE, created.workspaceId()))
        .isInstanceOf(WorkspaceNotFoundException.class);
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
  }
}
