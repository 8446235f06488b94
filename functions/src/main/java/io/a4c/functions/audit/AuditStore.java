package io.a4c.functions.audit;

import io.a4c.functions.config.FunctionsConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit trail in DynamoDB: partition {@code stream} (one value, {@code audit}: the trail is
 * written a few times per user action, far below a partition's limits), sort key {@code entryId}
 * (time-ordered), and a sparse index {@code byUser} (userId, entryId) for one user's entries. Read
 * newest first, one Query per page. Entries are only ever put, never updated. Thread-safe.
 */
@Singleton
public final class AuditStore {
  static final String STREAM = "audit";
  static final String BY_USER = "byUser";

  /** A page as stored: the entries and the entry id to continue after, if any. */
  record StoredPage(List<AuditEntry> items, String lastEntryId) {}

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  AuditStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.table = config.security().auditTable();
  }

  void put(AuditEntry entry) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("stream", AttributeValue.fromS(STREAM));
    item.put("entryId", AttributeValue.fromS(entry.entryId()));
    item.put("at", AttributeValue.fromS(entry.at().toString()));
    item.put("action", AttributeValue.fromS(entry.action()));
    item.put("actor", AttributeValue.fromS(entry.actor()));
    item.put("admin", AttributeValue.fromBool(entry.admin()));
    putIfPresent(item, "userId", entry.userId());
    putIfPresent(item, "target", entry.target());
    putIfPresent(item, "requestId", entry.requestId());
    putIfPresent(item, "sourceIp", entry.sourceIp());
    if (!entry.details().isEmpty()) {
      item.put(
          "details",
          AttributeValue.fromM(
              entry.details().entrySet().stream()
                  .collect(
                      Collectors.toMap(
                          Map.Entry::getKey, e -> AttributeValue.fromS(e.getValue())))));
    }
    dynamo.putItem(
        b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(entryId)"));
  }

  /**
   * Up to {@code limit} entries older than {@code afterEntryId}, of one user or (null) everyone.
   */
  StoredPage page(String userId, int limit, String afterEntryId) {
    var response =
        dynamo.query(
            b -> {
              b.tableName(table).scanIndexForward(false).limit(limit);
              if (userId == null) {
                b.keyConditionExpression("#stream = :s")
                    .expressionAttributeNames(Map.of("#stream", "stream"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(STREAM)));
                if (afterEntryId != null) {
                  b.exclusiveStartKey(
                      Map.of(
                          "stream",
                          AttributeValue.fromS(STREAM),
                          "entryId",
                          AttributeValue.fromS(afterEntryId)));
                }
              } else {
                b.indexName(BY_USER)
                    .keyConditionExpression("userId = :u")
                    .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)));
                if (afterEntryId != null) {
                  b.exclusiveStartKey(
                      Map.of(
                          "stream", AttributeValue.fromS(STREAM),
                          "entryId", AttributeValue.fromS(afterEntryId),
                          "userId", AttributeValue.fromS(userId)));
                }
              }
            });
    var items = response.items().stream().map(AuditStore::fromItem).toList();
    String last =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? response.lastEvaluatedKey().get("entryId").s()
            : null;
    return new StoredPage(items, last);
  }

  private static AuditEntry fromItem(Map<String, AttributeValue> item) {
    Map<String, String> details = new HashMap<>();
    if (item.containsKey("details")) {
      item.get("details").m().forEach((k, v) -> details.put(k, v.s()));
    }
    return new AuditEntry(
        s(item, "entryId"),
        Instant.parse(s(item, "at")),
        s(item, "action"),
        s(item, "actor"),
        item.containsKey("admin") && Boolean.TRUE.equals(item.get("admin").bool()),
        s(item, "userId"),
        s(item, "target"),
        s(item, "requestId"),
        s(item, "sourceIp"),
        details);
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value));
    }
  }

  private static String s(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
