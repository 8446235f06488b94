package io.a4c.functions.builds;

import io.a4c.events.Redaction;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import java.time.Instant;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Build logs in DynamoDB, one item per schedule (the last attempt's log; a builder keeps the head
 * and tail of a long one, so it fits an item). Writes are plain puts: a duplicate report writes the
 * same log again. A log is stored with any URL's credentials masked ({@link Redaction}): every user
 * may read it, and a builder not yet masking them may have quoted a source URL. Thread-safe.
 */
@Singleton
public final class BuildLogStore {
  /** A stored log. */
  public record BuildLog(String scheduleId, int attempt, String text, Instant writtenAt) {}

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  BuildLogStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.builds().logsTable());
  }

  BuildLogStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  void put(String scheduleId, int attempt, String text, Instant at) {
    var item =
        ItemWriter.item()
            .key(A4cTables.BUILD_LOGS.key(scheduleId))
            .number("attempt", attempt)
            .string("text", Redaction.text(text))
            .instant("writtenAt", at)
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  Optional<BuildLog> get(String scheduleId) {
    return Reads.item(dynamo, table, A4cTables.BUILD_LOGS.key(scheduleId), false)
        .map(ItemReader::of)
        .map(
            read ->
                new BuildLog(
                    scheduleId,
                    read.integer("attempt"),
                    read.string("text"),
                    read.instant("writtenAt")));
  }
}
