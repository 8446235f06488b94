package io.a4c.functions.audit;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** A page as stored: the entries and the entry id to continue after, if any. */
  record StoredPage(List<AuditEntry> items, String lastEntryId) {}

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  AuditStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.security().auditTable());
  }

  AuditStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  void put(AuditEntry entry) {
    var item =
        ItemWriter.item()
            .key(A4cTables.AUDIT.key(STREAM, entry.entryId()))
            .instant("at", entry.at())
            .string("action", entry.action())
            .string("actor", entry.actor())
            .bool("admin", entry.admin())
            .string("userId", entry.userId())
            .string("target", entry.target())
            .string("requestId", entry.requestId())
            .string("sourceIp", entry.sourceIp())
            .stringMap("details", entry.details())
            .build();
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
                    .expressionAttributeValues(Map.of(":s", Values.s(STREAM)));
                if (afterEntryId != null) {
                  b.exclusiveStartKey(A4cTables.AUDIT.key(STREAM, afterEntryId));
                }
              } else {
                b.indexName(A4cTables.AUDIT_BY_USER.name())
                    .keyConditionExpression("userId = :u")
                    .expressionAttributeValues(Map.of(":u", Values.s(userId)));
                if (afterEntryId != null) {
                  Map<String, AttributeValue> start =
                      new HashMap<>(A4cTables.AUDIT.key(STREAM, afterEntryId));
                  start.put("userId", Values.s(userId));
                  b.exclusiveStartKey(start);
                }
              }
            });
    var items = response.items().stream().map(AuditStore::fromItem).toList();
    return new StoredPage(items, Reads.next(response, A4cTables.AUDIT));
  }

  private static AuditEntry fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new AuditEntry(
        read.string("entryId"),
        read.instant("at"),
        read.string("action"),
        read.string("actor"),
        read.bool("admin"),
        read.string("userId"),
        read.string("target"),
        read.string("requestId"),
        read.string("sourceIp"),
        read.stringMap("details"));
  }
}
