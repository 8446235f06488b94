package io.a4c.functions.builds;

import io.a4c.events.Redaction;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Build logs in DynamoDB, one item per schedule (the last attempt's log; a builder keeps the head
 * and tail of a long one, so it fits an item). The log of a build's end is a plain put: a duplicate
 * report writes the same log again. While the build runs, its builder's updates are stored as the
 * <em>live</em> log ({@code live} set, with the update's attempt and {@code seq}), each only over
 * an older live one, so a late or reordered update never replaces a newer log nor the end's. A log
 * is stored with any URL's credentials masked ({@link Redaction}): every user may read it, and a
 * builder not yet masking them may have quoted a source URL. Thread-safe.
 */
@Singleton
public final class BuildLogStore {
  /**
   * A stored log.
   *
   * @param live whether it is a running build's log so far (the end's log is not)
   */
  public record BuildLog(
      String scheduleId, int attempt, String text, Instant writtenAt, boolean live) {}

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

  /**
   * Stores a running build's log so far, unless a newer one is stored: the end's log, a later
   * attempt's, or a later update ({@code seq}) of the same attempt. Answers whether it was written.
   */
  boolean putLive(String scheduleId, int attempt, long seq, String text, Instant at) {
    var item =
        ItemWriter.item()
            .key(A4cTables.BUILD_LOGS.key(scheduleId))
            .number("attempt", attempt)
            .string("text", Redaction.text(text))
            .instant("writtenAt", at)
            .bool("live", true)
            .number("seq", seq)
            .build();
    return Writes.conditionally(
        () ->
            dynamo.putItem(
                b ->
                    b.tableName(table)
                        .item(item)
                        .conditionExpression(
                            "attribute_not_exists(scheduleId) OR (live = :live AND (attempt < :attempt"
                                + " OR (attempt = :attempt AND seq < :seq)))")
                        .expressionAttributeValues(
                            Map.of(
                                ":live", Values.bool(true),
                                ":attempt", Values.n(attempt),
                                ":seq", Values.n(seq)))));
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
                    read.instant("writtenAt"),
                    read.bool("live")));
  }
}
