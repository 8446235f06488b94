package io.a4c.functions.builds;

import io.a4c.functions.config.FunctionsConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Build logs in DynamoDB, one item per schedule (the last attempt's log; a builder keeps the head
 * and tail of a long one, so it fits an item). Writes are plain puts: a duplicate report writes the
 * same log again. Thread-safe.
 */
@Singleton
public final class BuildLogStore {
  /** A stored log. */
  public record BuildLog(String scheduleId, int attempt, String text, Instant writtenAt) {}

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  BuildLogStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.table = config.builds().logsTable();
  }

  void put(String scheduleId, int attempt, String text, Instant at) {
    dynamo.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        "scheduleId", AttributeValue.fromS(scheduleId),
                        "attempt", AttributeValue.fromN(Integer.toString(attempt)),
                        "text", AttributeValue.fromS(text),
                        "writtenAt", AttributeValue.fromS(at.toString()))));
  }

  Optional<BuildLog> get(String scheduleId) {
    var item =
        dynamo
            .getItem(
                b -> b.tableName(table).key(Map.of("scheduleId", AttributeValue.fromS(scheduleId))))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new BuildLog(
            scheduleId,
            Integer.parseInt(item.get("attempt").n()),
            item.get("text").s(),
            Instant.parse(item.get("writtenAt").s())));
  }
}
