package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.request;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Transactions that race on one item. Real DynamoDB cancels one of two transactions on the same
 * item with {@code TransactionConflict}, not a failed condition; the store retries it and then
 * answers as the losing side of the race. Parallel creates against Dynoxide show the outcome under
 * real concurrency; since Dynoxide serialises transactions and may never answer {@code
 * TransactionConflict}, a client wrapper (a mock, for the one fault the engine cannot cause)
 * cancels transactions that way on purpose.
 */
class TransactionRaceTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  @Test
  void parallelCreatesOnAHostsLastSlotsFillThemAndRefuseTheRestAsNoHost() throws Exception {
    var services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 3, List.of(IMAGE));

    var outcomes =
        inParallel(
            12,
            i -> {
              String userId = "user" + i;
              return services.creation.create(user(userId), userId, request(null), null);
            });

    assertThat(outcomes.created()).hasSize(3);
    assertThat(outcomes.refused())
        .hasSize(9)
        .allSatisfy(e -> assertThat(e).isInstanceOf(NoHostAvailableException.class));
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(3);
  }

  @Test
  void parallelCreatesWithOneIdempotencyKeyMakeOneWorkspace() throws Exception {
    var services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));

    var outcomes =
        inParallel(
            8,
            i ->
                services.creation.create(
                    user(WorkspaceServices.ALICE), WorkspaceServices.ALICE, request("dev"), "k-1"));

    assertThat(outcomes.refused()).isEmpty();
    assertThat(outcomes.created()).hasSize(8);
    assertThat(outcomes.created().stream().map(v -> v.workspaceId()).distinct()).hasSize(1);
    assertThat(services.workspacesHeld(WorkspaceServices.ALICE)).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void aCreateCancelledOnceByAConflictOnTheHostsCounterIsTriedAgainAndMade() {
    var conflicts = new AtomicInteger(1);
    var services =
        new WorkspaceServices(dynamo, sqs, client -> conflicting(client, conflicts, 1))
            .withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));

    var created = services.create(WorkspaceServices.ALICE);

    assertThat(conflicts).hasValue(0);
    assertThat(services.stored(created).version()).isEqualTo(1);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void aCreateStillConflictingAfterEveryAttemptIsAnsweredAsTheLoserOfTheRace() {
    var conflicts = new AtomicInteger(Transaction.ATTEMPTS);
    var services =
        new WorkspaceServices(dynamo, sqs, client -> conflicting(client, conflicts, 1))
            .withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));

    assertThatThrownBy(() -> services.create(WorkspaceServices.ALICE))
        .isInstanceOf(NoHostAvailableException.class);
    assertThat(conflicts).hasValue(0);
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.workspacesHeld(WorkspaceServices.ALICE)).isZero();
  }

  /**
   * {@code client}, except that its next {@code conflicts} write transactions are cancelled with
   * {@code TransactionConflict} on participant {@code index} (as DynamoDB does when another
   * transaction holds that item), without writing anything.
   */
  private static DynamoDbClient conflicting(
      DynamoDbClient client, AtomicInteger conflicts, int index) {
    return ClientSpy.on(
        client,
        call -> {
          if (call.is("transactWriteItems")
              && conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw conflict(
                call.request(TransactWriteItemsRequest.class).transactItems().size(), index);
          }
          return call.proceed();
        });
  }

  private static TransactionCanceledException conflict(int participants, int index) {
    List<CancellationReason> reasons = new ArrayList<>();
    for (int i = 0; i < participants; i++) {
      reasons.add(
          CancellationReason.builder().code(i == index ? "TransactionConflict" : "None").build());
    }
    return TransactionCanceledException.builder()
        .message("Transaction cancelled, please refer cancellation reasons for specific reasons")
        .cancellationReasons(reasons)
        .build();
  }

  /** What {@code count} parallel calls returned and threw. */
  private record Outcomes(List<WorkspaceView> created, List<Throwable> refused) {}

  private interface Call {
    WorkspaceView run(int i) throws Exception;
  }

  private static Outcomes inParallel(int count, Call call) throws Exception {
    var created = new ConcurrentLinkedQueue<WorkspaceView>();
    var refused = new ConcurrentLinkedQueue<Throwable>();
    try (var pool = Executors.newFixedThreadPool(count)) {
      var start = new java.util.concurrent.CountDownLatch(1);
      List<Callable<Void>> tasks =
          IntStream.range(0, count)
              .<Callable<Void>>mapToObj(
                  i ->
                      () -> {
                        start.await();
                        try {
                          created.add(call.run(i));
                        } catch (Exception e) {
                          refused.add(e);
                        }
                        return null;
                      })
              .toList();
      var futures = tasks.stream().map(pool::submit).toList();
      start.countDown();
      for (var future : futures) {
        future.get();
      }
    }
    return new Outcomes(List.copyOf(created), List.copyOf(refused));
  }
}
