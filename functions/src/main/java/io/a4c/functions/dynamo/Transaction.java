package io.a4c.functions.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A write transaction whose participants have names, so a cancellation is read by name ({@code
 * failure.failed("hostSlot")}) rather than by position, which shifts when a participant is
 * optional. Not thread-safe: one per write.
 *
 * <pre>{@code
 * var tx = Transaction.of(dynamo).put("workspace", ...).add("hostSlot", slots.reserve(hostId));
 * try {
 *   tx.commit();
 * } catch (TransactionCanceledException e) {
 *   if (tx.failure(e).failed("hostSlot")) ...
 *   throw e;
 * }
 * }</pre>
 */
public final class Transaction {
  private final DynamoDbClient dynamo;
  private final List<String> names = new ArrayList<>();
  private final List<TransactWriteItem> items = new ArrayList<>();

  private Transaction(DynamoDbClient dynamo) {
    this.dynamo = dynamo;
  }

  public static Transaction of(DynamoDbClient dynamo) {
    return new Transaction(dynamo);
  }

  /** Adds a participant made elsewhere (e.g. {@code UsageCounters#reserve}). */
  public Transaction add(String name, TransactWriteItem item) {
    if (names.contains(name)) {
      throw new IllegalArgumentException("two participants named " + name);
    }
    names.add(name);
    items.add(item);
    return this;
  }

  public Transaction put(String name, Consumer<Put.Builder> put) {
    return add(name, TransactWriteItem.builder().put(put).build());
  }

  public Transaction update(String name, Consumer<Update.Builder> update) {
    return add(name, TransactWriteItem.builder().update(update).build());
  }

  public Transaction delete(String name, Consumer<Delete.Builder> delete) {
    return add(name, TransactWriteItem.builder().delete(delete).build());
  }

  /** Whether it has a participant of that name. */
  public boolean has(String name) {
    return names.contains(name);
  }

  public int size() {
    return items.size();
  }

  /**
   * Writes every participant or none.
   *
   * @throws TransactionCanceledException when one failed; read it with {@link #failure}
   */
  public void commit() {
    dynamo.transactWriteItems(t -> t.transactItems(items));
  }

  /** Which participants a cancellation of this transaction names. */
  public Failure failure(TransactionCanceledException cancelled) {
    return new Failure(names, cancelled.cancellationReasons());
  }

  /** A cancelled transaction's reasons, by participant name. */
  public static final class Failure {
    private final List<String> names;
    private final List<CancellationReason> reasons;

    private Failure(List<String> names, List<CancellationReason> reasons) {
      this.names = names;
      this.reasons = reasons;
    }

    /** Whether the named participant's condition failed. */
    public boolean failed(String name) {
      int index = names.indexOf(name);
      return index >= 0
          && reasons.size() > index
          && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }
  }
}
