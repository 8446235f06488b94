package io.a4c.functions.dynamo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p>Two transactions that touch one item at once (two creates on a host's last slot, one user's
 * counter, one idempotency key) make DynamoDB cancel one of them with {@code TransactionConflict}
 * rather than a failed condition. {@link #commit} tries such a transaction again, up to {@link
 * #ATTEMPTS} times with a short jittered pause, so the race is decided by the conditions: the retry
 * either succeeds or fails the condition the winner made false, which the caller answers as usual.
 * If it still conflicts after the last attempt, {@link Failure#conflicted} names the contended
 * participant, and a caller that reserves answers as the losing side of the race.
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
  /** How many times a transaction cancelled only by conflicts is tried in all. */
  public static final int ATTEMPTS = 5;

  /** The first retry waits up to this long; each further one up to twice as long as the last. */
  private static final Duration FIRST_PAUSE = Duration.ofMillis(20);

  private static final String CONFLICT = "TransactionConflict";
  private static final String CONDITION_FAILED = "ConditionalCheckFailed";

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
   * Writes every participant or none; a cancellation caused only by other transactions on the same
   * items is tried again, up to {@link #ATTEMPTS} times in all.
   *
   * @throws TransactionCanceledException when a condition failed, or the items were still contended
   *     at the last attempt; read it with {@link #failure}
   */
  public void commit() {
    for (int attempt = 1; ; attempt++) {
      try {
        dynamo.transactWriteItems(t -> t.transactItems(items));
        return;
      } catch (TransactionCanceledException e) {
        if (attempt >= ATTEMPTS || !onlyConflicts(e)) {
          throw e;
        }
        if (!pause(attempt)) {
          throw e;
        }
      }
    }
  }

  /** Whether another transaction, not a condition, cancelled it: then trying again may pass. */
  private static boolean onlyConflicts(TransactionCanceledException e) {
    if (!e.hasCancellationReasons()) {
      return false;
    }
    boolean conflict = false;
    for (CancellationReason reason : e.cancellationReasons()) {
      if (CONDITION_FAILED.equals(reason.code())) {
        return false;
      }
      conflict |= CONFLICT.equals(reason.code());
    }
    return conflict;
  }

  /** Sleeps a random time up to {@code FIRST_PAUSE * 2^(attempt-1)}; false when interrupted. */
  private static boolean pause(int attempt) {
    long bound = FIRST_PAUSE.toMillis() << (attempt - 1);
    try {
      Thread.sleep(1 + ThreadLocalRandom.current().nextLong(bound));
      return true;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
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
      return CONDITION_FAILED.equals(code(name));
    }

    /**
     * Whether another transaction still held the named participant at the last attempt. A caller
     * that reserves something answers this as the losing side of the race would; one that releases
     * something must not take it for a condition that failed (nothing was released).
     */
    public boolean conflicted(String name) {
      return CONFLICT.equals(code(name));
    }

    private String code(String name) {
      int index = names.indexOf(name);
      return index < 0 || reasons.size() <= index ? null : reasons.get(index).code();
    }
  }
}
