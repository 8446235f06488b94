package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.request;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.WorkspaceState;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Creating a workspace against Dynoxide and ElasticMQ: placement, the create command, the rollback
 * when it cannot be sent, idempotency keys and the quota.
 */
class WorkspaceCreationTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private WorkspaceServices services;

  @BeforeEach
  void services() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
  }

  @Test
  void aWorkspaceIsPlacedOnTheHostHoldingItsImageWithTheLeastDiskInUse() {
    // Disk figures in GiB, further apart than placement's tie.
    services.host("h1", 500L << 30, 10, List.of(IMAGE));
    services.host("h2", 100L << 30, 10, List.of("other:1"));
    services.host("h3", 300L << 30, 10, List.of(IMAGE));

    var created = services.create(ALICE);

    assertThat(created.hostId()).isEqualTo("h3");
    assertThat(created.state()).isEqualTo(WorkspaceState.PENDING);
    assertThat(created.imageRef()).isEqualTo(IMAGE);
    assertThat(created.hostname()).isEqualTo(created.workspaceId() + ".ws.a4c.internal");
    assertThat(created.hostReachable()).isTrue();
    assertThat(services.stored(created).version()).isEqualTo(1);
    assertThat(services.host("h3").assignedWorkspaces()).isEqualTo(1);
    assertThat(services.host("h3").placedSinceHeartbeat()).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    assertThat(services.auditedActions(ALICE)).containsExactly("workspace.create");
  }

  @Test
  void theChosenHostIsSentACreateCommandWithTheImageHostnameAndProjectSetup() {
    services.host("h1", 0, 10, List.of(IMAGE));

    var created = services.create(ALICE);

    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            CreateWorkspace.class,
            command -> {
              assertThat(command.workspaceId()).isEqualTo(created.workspaceId());
              assertThat(command.userId()).isEqualTo(ALICE);
              assertThat(command.spec().imageRef()).isEqualTo(IMAGE);
              assertThat(command.spec().hostname()).isEqualTo(created.hostname());
              assertThat(command.spec().setup()).containsExactly("echo ready");
            });
  }

  @Test
  void whenTheCreateCommandCannotBeSentTheRecordSlotQuotaUnitAndKeyAreUndone() {
    services.hostWithoutQueue("h1", 0, 10, List.of(IMAGE));

    assertThatThrownBy(() -> services.creation.create(user(ALICE), ALICE, request(null), "k-1"))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE));

    assertThat(services.reads.list(ALICE, 10, null).items()).isEmpty();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.workspacesHeld(ALICE)).isZero();
    assertThat(services.auditedActions(ALICE)).isEmpty();
    // The key made nothing, so a retry with it once the queue is there creates the workspace.
    services.host("h1", 0, 10, List.of(IMAGE));
    var retried = services.creation.create(user(ALICE), ALICE, request(null), "k-1");
    assertThat(services.stored(retried).state()).isEqualTo(WorkspaceState.PENDING);
  }

  @Test
  void whenTheUndoFindsTheRecordChangedARetryWithTheKeyAnswersWithItAndMakesNoSecond() {
    // The undo's delete is refused as if the record changed meanwhile (a sweep re-drove it, say).
    var services =
        new WorkspaceServices(
                dynamo,
                sqs,
                client ->
                    failingUndo(
                        client,
                        () ->
                            TransactionCanceledException.builder()
                                .message("Transaction cancelled")
                                .cancellationReasons(
                                    CancellationReason.builder()
                                        .code("ConditionalCheckFailed")
                                        .build(),
                                    CancellationReason.builder().code("None").build(),
                                    CancellationReason.builder().code("None").build())
                                .build()))
            .withProject(null);

    assertRetryWithTheKeyAnswersWithTheKeptRecord(services);
  }

  @Test
  void whenTheUndoFailsARetryWithTheKeyAnswersWithTheKeptRecordAndTheCauseIsTheSendsFailure() {
    var services =
        new WorkspaceServices(
                dynamo,
                sqs,
                client ->
                    failingUndo(
                        client,
                        () ->
                            DynamoDbException.builder()
                                .message("internal server error")
                                .statusCode(500)
                                .build()))
            .withProject(null);

    assertRetryWithTheKeyAnswersWithTheKeptRecord(services);
  }

  /**
   * A create whose command cannot be sent and whose undo fails keeps its record; the key names it,
   * so the retry (the queue there now) answers with it and nothing else is made.
   */
  private static void assertRetryWithTheKeyAnswersWithTheKeptRecord(WorkspaceServices services) {
    services.hostWithoutQueue("h1", 0, 10, List.of(IMAGE));

    assertThatThrownBy(() -> services.creation.create(user(ALICE), ALICE, request(null), "k-1"))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE));
    var kept = services.reads.list(ALICE, 10, null).items();
    assertThat(kept)
        .singleElement()
        .extracting(WorkspaceView::state)
        .isEqualTo(WorkspaceState.PENDING);

    services.host("h1", 0, 10, List.of(IMAGE));
    var retried = services.creation.create(user(ALICE), ALICE, request(null), "k-1");

    assertThat(retried.workspaceId()).isEqualTo(kept.getFirst().workspaceId());
    assertThat(services.reads.list(ALICE, 10, null).items()).hasSize(1);
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  /**
   * {@code client}, except that write transactions deleting a workspace record (the undo of a
   * create) fail with {@code fault}: a mock, for faults the engine cannot cause on cue.
   */
  private static DynamoDbClient failingUndo(
      DynamoDbClient client, Supplier<? extends RuntimeException> fault) {
    return ClientSpy.on(
        client,
        call -> {
          if (call.is("transactWriteItems")
              && call.request(TransactWriteItemsRequest.class).transactItems().getFirst().delete()
                  != null) {
            throw fault.get();
          }
          return call.proceed();
        });
  }

  @Test
  void theSameKeyAndRequestAnswerWithTheFirstWorkspaceAndCreateNothingMore() {
    services.host("h1", 0, 10, List.of(IMAGE));

    var first = services.creation.create(user(ALICE), ALICE, request("dev"), "k-1");
    var again = services.creation.create(user(ALICE), ALICE, request("dev"), "k-1");

    assertThat(again.workspaceId()).isEqualTo(first.workspaceId());
    assertThat(services.commandsTo("h1")).hasSize(1);
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherRequestIsRefusedAndCreatesNothing() {
    services.host("h1", 0, 10, List.of(IMAGE));
    services.creation.create(user(ALICE), ALICE, request("dev"), "k-1");

    assertThatThrownBy(() -> services.creation.create(user(ALICE), ALICE, request("ops"), "k-1"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.type()).isEqualTo(ProblemType.IDEMPOTENCY_KEY_REUSED));
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
  }

  @Test
  void aKeyWhoseWorkspaceWasDeletedSinceIsAConflict() {
    services.host("h1", 0, 10, List.of(IMAGE));
    var first = services.creation.create(user(ALICE), ALICE, request(null), "k-1");
    services.deletion.forceDelete(WorkspaceServices.ADMIN, ALICE, first.workspaceId());

    assertThatThrownBy(() -> services.creation.create(user(ALICE), ALICE, request(null), "k-1"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.CONFLICT);
              assertThat(e.reason()).isEqualTo("idempotent-workspace-deleted");
            });
  }

  @Test
  void theSameKeyOfAnotherUserMakesAWorkspaceOfTheirOwn() {
    services.host("h1", 0, 10, List.of(IMAGE));

    var alices = services.creation.create(user(ALICE), ALICE, request(null), "k-1");
    var bobs = services.creation.create(user("bob"), "bob", request(null), "k-1");

    assertThat(bobs.workspaceId()).isNotEqualTo(alices.workspaceId());
    assertThat(bobs.userId()).isEqualTo("bob");
  }

  @Test
  void aUserAtTheQuotaIsRefusedAndNothingMoreIsWrittenOrSent() {
    services.host("h1", 0, 10, List.of(IMAGE));
    for (int i = 0; i < WorkspaceServices.DEFAULT_QUOTA; i++) {
      services.create(ALICE);
    }

    assertThatThrownBy(() -> services.create(ALICE))
        .isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("you hold 3 workspaces; at most 3");
    assertThat(services.reads.list(ALICE, 10, null).items()).hasSize(3);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(3);
    assertThat(services.commandsTo("h1")).hasSize(3);
    // The quota is the user's: another user still creates.
    assertThat(services.create("bob").state()).isEqualTo(WorkspaceState.PENDING);
  }

  @Test
  void aProjectsOwnQuotaOverridesTheDefault() {
    services.withProject(1);
    services.host("h1", 0, 10, List.of(IMAGE));
    services.create(ALICE);

    assertThatThrownBy(() -> services.create(ALICE))
        .isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("at most 1");
  }

  @Test
  void aDeletedWorkspaceGivesItsQuotaUnitBack() {
    services.host("h1", 0, 10, List.of(IMAGE));
    List<WorkspaceView> made = new java.util.ArrayList<>();
    for (int i = 0; i < WorkspaceServices.DEFAULT_QUOTA; i++) {
      made.add(services.create(ALICE));
    }
    services.deletion.forceDelete(WorkspaceServices.ADMIN, ALICE, made.getFirst().workspaceId());

    assertThat(services.create(ALICE).state()).isEqualTo(WorkspaceState.PENDING);
  }

  @Test
  void whenEveryHostHoldingTheImageIsFullTheCreateIsRefused() {
    services.host("h1", 0, 1, List.of(IMAGE));
    services.host("h2", 0, 10, List.of("other:1"));
    services.create(ALICE);

    assertThatThrownBy(() -> services.create("bob"))
        .isInstanceOfSatisfying(
            NoHostAvailableException.class,
            e -> assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE));
    assertThat(services.workspacesHeld("bob")).isZero();
  }
}
