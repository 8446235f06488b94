package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuilderStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What builders last reported, kept on their host's item in the hosts table under attributes of
 * their own ({@code builder*}), so heartbeats and builder reports never overwrite each other. A
 * report for a host that never sent a heartbeat waits for the next one. Thread-safe.
 */
@Singleton
public final class BuilderStore {
  /**
   * A builder as last reported.
   *
   * @param seenAt when its last report was sent
   * @param builds the schedule ids it ran then; null when its daemon does not say (before the
   *     field)
   */
  public record Builder(
      String hostId,
      Arch arch,
      int slots,
      int running,
      boolean accepting,
      java.time.Instant seenAt,
      List<String> builds) {}

  private static final String PROJECTION =
      "hostId, builderArch, builderSlots, builderRunning, builderAccepting, builderSeenMs,"
          + " builderBuilds";

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  BuilderStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.hostsTable());
  }

  BuilderStore(DynamoDbClient dynamo, String hostsTable) {
    this.dynamo = dynamo;
    this.table = hostsTable;
  }

  /**
   * Records a report unless a newer one is stored (by the host's {@code sentAt}, kept as {@code
   * builderSentMs} for ordering only); {@code seenAt} is {@code receivedAt}, this side's clock, so
   * a host whose clock is behind does not look silent. False when dropped.
   */
  boolean record(BuilderStatus status, java.time.Instant receivedAt) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":arch", Values.s(status.arch().wireName()));
    values.put(":slots", Values.n(status.slots()));
    values.put(":running", Values.n(status.running()));
    values.put(":accepting", Values.bool(status.accepting()));
    values.put(":received", Values.epochMillis(receivedAt));
    values.put(":sent", Values.epochMillis(status.sentAt()));
    String set =
        "SET builderArch = :arch, builderSlots = :slots, builderRunning = :running,"
            + " builderAccepting = :accepting, builderSeenMs = :received, builderSentMs = :sent";
    if (status.builds() != null) {
      set += ", builderBuilds = :builds";
      values.put(
          ":builds",
          AttributeValue.fromL(status.builds().stream().map(AttributeValue::fromS).toList()));
    } else {
      set += " REMOVE builderBuilds";
    }
    String update = set;
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(status.hostId()))
                        .updateExpression(update)
                        .conditionExpression(
                            "attribute_exists(hostId) AND (attribute_not_exists(builderSentMs) OR builderSentMs < :sent)")
                        .expressionAttributeValues(values)));
  }

  /** The builder of {@code hostId} as last reported (read consistently), if it ever reported. */
  Optional<Builder> get(String hostId) {
    return Reads.item(dynamo, table, A4cTables.HOSTS.key(hostId), true)
        .flatMap(BuilderStore::fromItem);
  }

  /** Every host that ever reported as a builder. */
  List<Builder> all() {
    List<Builder> builders = new ArrayList<>();
    dynamo
        .scanPaginator(b -> b.tableName(table).projectionExpression(PROJECTION))
        .items()
        .forEach(item -> fromItem(item).ifPresent(builders::add));
    return builders;
  }

  private static Optional<Builder> fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    if (!read.has("builderSeenMs")) {
      return Optional.empty();
    }
    return Optional.of(
        new Builder(
            read.string("hostId"),
            Arch.parse(read.string("builderArch")),
            read.integer("builderSlots"),
            read.integer("builderRunning"),
            read.bool("builderAccepting"),
            read.epochMillis("builderSeenMs"),
            read.has("builderBuilds") ? read.strings("builderBuilds") : null));
  }
}
