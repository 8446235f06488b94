package io.a4c.functions.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.testing.ClientSpy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * When a transaction is tried again. The client is a mock that answers every write transaction with
 * the given cancellation reasons (one per participant), the fault real DynamoDB gives two
 * transactions racing on one item and Dynoxide does not.
 */
class TransactionTest {
  private final AtomicInteger calls = new AtomicInteger();

  private Transaction twoParticipants(List<String> codes) {
    DynamoDbClient client =
        ClientSpy.stub(
            DynamoDbClient.class,
            call -> {
              if (!call.is("transactWriteItems")) {
                throw new UnsupportedOperationException(call.method().getName());
              }
              calls.incrementAndGet();
              if (codes.isEmpty()) {
                return TransactWriteItemsResponse.builder().build();
              }
              throw TransactionCanceledException.builder()
                  .cancellationReasons(
                      codes.stream()
                          .map(code -> CancellationReason.builder().code(code).build())
                          .toList())
                  .build();
            });
    return Transaction.of(client)
        .update("record", u -> u.tableName("t"))
        .update("counter", u -> u.tableName("t"));
  }

  @Test
  void aFailedConditionIsAnsweredAtOnceWithoutTryingAgain() {
    var tx = twoParticipants(List.of("None", "ConditionalCheckFailed"));

    assertThatThrownBy(tx::commit)
        .isInstanceOfSatisfying(
            TransactionCanceledException.class,
            e -> {
              assertThat(tx.failure(e).failed("counter")).isTrue();
              assertThat(tx.failure(e).conflicted("counter")).isFalse();
            });
    assertThat(calls).hasValue(1);
  }

  @Test
  void aConflictThatLastsIsTriedEveryAttemptThenNamedAsConflictedNotFailed() {
    var tx = twoParticipants(List.of("None", "TransactionConflict"));

    assertThatThrownBy(tx::commit)
        .isInstanceOfSatisfying(
            TransactionCanceledException.class,
            e -> {
              assertThat(tx.failure(e).conflicted("counter")).isTrue();
              assertThat(tx.failure(e).failed("counter")).isFalse();
              assertThat(tx.failure(e).conflicted("record")).isFalse();
            });
    assertThat(calls).hasValue(Transaction.ATTEMPTS);
  }

  @Test
  void aConflictBesideAFailedConditionIsNotTriedAgain() {
    var tx = twoParticipants(List.of("ConditionalCheckFailed", "TransactionConflict"));

    assertThatThrownBy(tx::commit).isInstanceOf(TransactionCanceledException.class);
    assertThat(calls).hasValue(1);
  }
}
