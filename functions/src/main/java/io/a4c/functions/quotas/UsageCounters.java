package io.a4c.functions.quotas;

import io.a4c.functions.config.FunctionsConfig;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
    this.dynamo = dynamo;
    this.table = config.security().usageTable();
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
                    .key(key(userId))
                    .updateExpression("SET #c = if_not_exists(#c, :zero) + :one")
                    .conditionExpression("attribute_not_exists(#c) OR #c < :limit")
                    .expressionAttributeNames(Map.of("#c", counter.attribute()))
                    .expressionAttributeValues(
                        Map.of(
                            ":zero", AttributeValue.fromN("0"),
                            ":one", AttributeValue.fromN("1"),
                            ":limit", AttributeValue.fromN(Integer.toString(limit)))))
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
                    .key(key(userId))
                    .updateExpression("SET #c = #c - :one")
                    .conditionExpression("#c > :zero")
                    .expressionAttributeNames(Map.of("#c", counter.attribute()))
                    .expressionAttributeValues(
                        Map.of(
                            ":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1"))))
        .build();
  }

  /** The counter's value now (strongly consistent). */
  public long current(String userId, Counter counter) {
    var item = dynamo.getItem(b -> b.tableName(table).key(key(userId)).consistentRead(true)).item();
    AttributeValue value = item == null ? null : item.get(counter.attribute());
    return value == null ? 0 : Long.parseLong(value.n());
  }

  private static Map<String, AttributeValue> key(String userId) {
    return Map.of("userId", AttributeValue.fromS(userId));
  }
}
