package io.a4c.functions.quotas;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Per-user usage counters (table {@code A4C_USAGE_TABLE}, one item per user), moved only inside the
 * transaction that writes or removes what they count: a reservation is a conditional increment that
 * fails at the limit, so concurrent creates can never pass a quota together, and a crash between
 * record and counter is impossible. Thread-safe.
 */
@Singleton
public final class UsageCounters {
  /** What is counted. */
  public enum Counter {
    /** Workspace records the user holds, in any state. */
    WORKSPACES("workspaces"),
    /** Builds SCHEDULED or IN_PROGRESS (for the image-schedules API). */
    BUILDS_IN_FLIGHT("buildsInFlight");

    private final String attribute;

    Counter(String attribute) {
      this.attribute = attribute;
    }

    public String attribute() {
      return attribute;
    }
  }

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  public UsageCounters(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.security().usageTable());
  }

  public UsageCounters(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * The transaction item that takes one unit of {@code counter}, failing its condition at {@code
   * limit}.
   */
  public TransactWriteItem reserve(String userId, Counter counter, int limit) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(A4cTables.USAGE.key(userId))
                    .updateExpression("SET #c = if_not_exists(#c, :zero) + :one")
                    .conditionExpression("attribute_not_exists(#c) OR #c < :limit")
                    .expressionAttributeNames(Map.of("#c", counter.attribute()))
                    .expressionAttributeValues(
                        Map.of(
                            ":zero", Values.ZERO, ":one", Values.ONE, ":limit", Values.n(limit))))
        .build();
  }

  /**
   * The transaction item that gives one unit of {@code counter} back; its condition fails at zero.
   */
  public TransactWriteItem release(String userId, Counter counter) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(A4cTables.USAGE.key(userId))
                    .updateExpression("SET #c = #c - :one")
                    .conditionExpression("#c > :zero")
                    .expressionAttributeNames(Map.of("#c", counter.attribute()))
                    .expressionAttributeValues(Map.of(":zero", Values.ZERO, ":one", Values.ONE)))
        .build();
  }

  /** The counter's value now (strongly consistent). */
  public long current(String userId, Counter counter) {
    return Reads.item(dynamo, table, A4cTables.USAGE.key(userId), true)
        .map(item -> ItemReader.of(item).number(counter.attribute()))
        .orElse(0L);
  }
}
