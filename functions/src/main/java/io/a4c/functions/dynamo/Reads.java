package io.a4c.functions.dynamo;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads every store makes the same way: one item by key, one page of a partition. */
public final class Reads {
  private Reads() {}

  /** The item at {@code key}, if there is one. */
  public static Optional<Map<String, AttributeValue>> item(
      DynamoDbClient dynamo, String table, Map<String, AttributeValue> key, boolean consistent) {
    var item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(consistent)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * Up to {@code limit} items of one partition of {@code spec}'s table, in sort key order, after
   * the item whose sort key is {@code afterSortKey} (null: from the start); {@link #next} says
   * where the following page starts.
   *
   * @param more anything else the query needs (a projection)
   */
  public static QueryResponse page(
      DynamoDbClient dynamo,
      String table,
      TableSpec spec,
      String partition,
      int limit,
      String afterSortKey,
      Consumer<QueryRequest.Builder> more) {
    return dynamo.query(
        b -> {
          b.tableName(table)
              .keyConditionExpression(spec.partitionKey() + " = :partition")
              .expressionAttributeValues(Map.of(":partition", Values.s(partition)))
              .limit(limit);
          if (afterSortKey != null) {
            b.exclusiveStartKey(spec.key(partition, afterSortKey));
          }
          more.accept(b);
        });
  }

  /** The sort key of {@code spec}'s table in a page's last evaluated key: where the next starts. */
  public static String next(QueryResponse response, TableSpec spec) {
    return lastKey(response, spec.sortKey());
  }

  /** The value of {@code attribute} in a query's last evaluated key, or null on the last page. */
  public static String lastKey(QueryResponse response, String attribute) {
    Map<String, AttributeValue> last = response.lastEvaluatedKey();
    return response.hasLastEvaluatedKey() && !last.isEmpty() ? last.get(attribute).s() : null;
  }
}
