package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuilderStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What builders last reported, kept on their host's item in the hosts table under attributes of
 * their own ({@code builder*}), so heartbeats and builder reports never overwrite each other. A
 * report for a host that never sent a heartbeat waits for the next one. Thread-safe.
 */
@Singleton
public final class BuilderStore {
  /** A builder as last reported. */
  public record Builder(
      String hostId,
      Arch arch,
      int slots,
      int running,
      boolean accepting,
      java.time.Instant seenAt) {}

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
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(status.hostId()))
                        .updateExpression(
                            "SET builderArch = :arch, builderSlots = :slots, builderRunning = :running,"
                                + " builderAccepting = :accepting, builderSeenMs = :received,"
                                + " builderSentMs = :sent")
                        .conditionExpression(
                            "attribute_exists(hostId) AND (attribute_not_exists(builderSentMs) OR builderSentMs < :sent)")
                        .expressionAttributeValues(
                            Map.of(
                                ":arch", Values.s(status.arch().wireName()),
                                ":slots", Values.n(status.slots()),
                                ":running", Values.n(status.running()),
                                ":accepting", Values.bool(status.accepting()),
                                ":received", Values.epochMillis(receivedAt),
                                ":sent", Values.epochMillis(status.sentAt())))));
  }

  /** Every host that ever reported as a builder. */
  List<Builder> all() {
    List<Builder> builders = new ArrayList<>();
    dynamo
        .scanPaginator(
            b ->
                b.tableName(table)
                    .projectionExpression(
                        "hostId, builderArch, builderSlots, builderRunning, builderAccepting, builderSeenMs"))
        .items()
        .forEach(
            item -> {
              var read = ItemReader.of(item);
              if (read.has("builderSeenMs")) {
                builders.add(
                    new Builder(
                        read.string("hostId"),
                        Arch.parse(read.string("builderArch")),
                        read.integer("builderSlots"),
                        read.integer("builderRunning"),
                        read.bool("builderAccepting"),
                        read.epochMillis("builderSeenMs")));
              }
            });
    return builders;
  }
}
