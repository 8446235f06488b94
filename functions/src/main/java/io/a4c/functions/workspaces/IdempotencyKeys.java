package io.a4c.functions.workspaces;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Idempotency-Key records of workspace creation: written in the transaction that writes the
 * workspace (so a key never names a workspace that was not made), forgotten by DynamoDB's TTL a day
 * later. Thread-safe.
 */
@Singleton
public final class IdempotencyKeys {
  /** How long a key is remembered (DynamoDB TTL deletes it after). */
  static final Duration TTL = Duration.ofHours(24);

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  IdempotencyKeys(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.idempotencyTable());
  }

  IdempotencyKeys(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * The transaction item that records the key, made at {@code at}; its condition fails when the key
   * was used already.
   */
  TransactWriteItem record(IdempotencyRecord record, Instant at) {
    var item =
        ItemWriter.item()
            .key(A4cTables.IDEMPOTENCY.key(record.key()))
            .string("requestHash", record.requestHash())
            .string("workspaceId", record.workspaceId())
            .number(A4cTables.IDEMPOTENCY.timeToLive(), at.plus(TTL).getEpochSecond())
            .build();
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(table)
                    .item(item)
                    .conditionExpression(
                        "attribute_not_exists(" + A4cTables.IDEMPOTENCY.partitionKey() + ")"))
        .build();
  }

  /** What a key made, if it was used (strongly consistent). */
  Optional<IdempotencyRecord> find(String key) {
    return Reads.item(dynamo, table, A4cTables.IDEMPOTENCY.key(key), true)
        .map(ItemReader::of)
        .map(
            read ->
                new IdempotencyRecord(key, read.string("requestHash"), read.string("workspaceId")));
  }

  /** Forgets a key (its request made nothing after all). */
  void forget(String key) {
    dynamo.deleteItem(b -> b.tableName(table).key(A4cTables.IDEMPOTENCY.key(key)));
  }
}
