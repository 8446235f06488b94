package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuilderStatus;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What builders last reported, kept on their host's item in the hosts table under attributes of
 * their own ({@code builder*}), so heartbeats and builder reports never overwrite each other. A
 * report for a host that never sent a heartbeat waits for the next one. Thread-safe.
 */
@Singleton
public final class BuilderStore {
  /** A builder as last reported. */
  public record Builder(
      String hostId, Arch arch, int slots, int running, boolean accepting, Instant seenAt) {}

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  BuilderStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.table = config.hostsTable();
  }

  /** Records a report unless a newer one is stored; false when dropped. */
  boolean record(BuilderStatus status) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(table)
                  .key(Map.of("hostId", AttributeValue.fromS(status.hostId())))
                  .updateExpression(
                      "SET builderArch = :arch, builderSlots = :slots, builderRunning = :running,"
                          + " builderAccepting = :accepting, builderSeenMs = :at")
                  .conditionExpression(
                      "attribute_exists(hostId) AND (attribute_not_exists(builderSeenMs) OR builderSeenMs < :at)")
                  .expressionAttributeValues(
                      Map.of(
                          ":arch", AttributeValue.fromS(status.arch().wireName()),
                          ":slots", n(status.slots()),
                          ":running", n(status.running()),
                          ":accepting", AttributeValue.fromBool(status.accepting()),
                          ":at", n(status.sentAt().toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
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
              if (item.containsKey("builderSeenMs")) {
                builders.add(
                    new Builder(
                        item.get("hostId").s(),
                        Arch.parse(item.get("builderArch").s()),
                        Integer.parseInt(item.get("builderSlots").n()),
                        Integer.parseInt(item.get("builderRunning").n()),
                        item.get("builderAccepting").bool(),
                        Instant.ofEpochMilli(Long.parseLong(item.get("builderSeenMs").n()))));
              }
            });
    return builders;
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
