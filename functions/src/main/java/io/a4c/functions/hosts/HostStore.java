package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Hosts in DynamoDB, one item per host. Heartbeats are applied only when newer than the stored one;
 * the status and the reservation counter are never touched by a heartbeat. Thread-safe.
 */
@Singleton
public final class HostStore {
  static final String ASSIGNED = "assignedWorkspaces";

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  HostStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.table = config.hostsTable();
  }

  /** The hosts table's name, for transactions that span it. */
  public String table() {
    return table;
  }

  /** Every host. The table holds one item per bare-metal host, so a scan stays small. */
  public List<Host> all() {
    return dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
        .map(HostStore::fromItem)
        .toList();
  }

  /**
   * Moves a host from one status to another, if it is in {@code from}.
   *
   * @return false when the host is missing or not in {@code from}
   */
  public boolean setStatus(String hostId, HostStatus from, HostStatus to) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(table)
                  .key(Map.of("hostId", AttributeValue.fromS(hostId)))
                  .updateExpression("SET #status = :to")
                  .conditionExpression("#status = :from")
                  .expressionAttributeNames(Map.of("#status", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":to",
                          AttributeValue.fromS(to.name()),
                          ":from",
                          AttributeValue.fromS(from.name()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Marks a host DOWN if its last heartbeat is still the one the caller judged too old.
   *
   * @return whether it was marked
   */
  public boolean markDown(Host host) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(table)
                  .key(Map.of("hostId", AttributeValue.fromS(host.hostId())))
                  .updateExpression("SET #status = :down")
                  .conditionExpression("lastHeartbeatMs = :seen AND #status <> :down")
                  .expressionAttributeNames(Map.of("#status", "status"))
                  .expressionAttributeValues(
                      Map.of(
                          ":down", AttributeValue.fromS(HostStatus.DOWN.name()),
                          ":seen", number(host.lastHeartbeatAt().toEpochMilli()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Records a heartbeat unless a newer one is stored already.
   *
   * @return whether it was applied
   */
  public boolean applyHeartbeat(Heartbeat beat) {
    var images = beat.images().stream().map(AttributeValue::fromS).toList();
    try {
      var old =
          dynamo
              .updateItem(
                  b ->
                      b.tableName(table)
                          .key(Map.of("hostId", AttributeValue.fromS(beat.hostId())))
                          .returnValues(
                              software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)
                          .updateExpression(
                              "SET arch = :arch, diskUsedBytes = :used, diskTotalBytes = :total, images = :images,"
                                  + " #capacity = :capacity, runningWorkspaces = :running, lastHeartbeatMs = :at,"
                                  + " #status = if_not_exists(#status, :active), "
                                  + ASSIGNED
                                  + " = if_not_exists("
                                  + ASSIGNED
                                  + ", :zero)")
                          .conditionExpression(
                              "attribute_not_exists(lastHeartbeatMs) OR lastHeartbeatMs < :at")
                          .expressionAttributeNames(
                              Map.of("#status", "status", "#capacity", "capacity"))
                          .expressionAttributeValues(
                              Map.of(
                                  ":arch", AttributeValue.fromS(beat.arch().wireName()),
                                  ":used", number(beat.diskUsedBytes()),
                                  ":total", number(beat.diskTotalBytes()),
                                  ":images", AttributeValue.fromL(images),
                                  ":capacity", number(beat.capacity()),
                                  ":running", number(beat.runningWorkspaces()),
                                  ":at", number(beat.sentAt().toEpochMilli()),
                                  ":active", AttributeValue.fromS(HostStatus.ACTIVE.name()),
                                  ":zero", number(0))))
              .attributes();
      // A host that was DOWN and beats again is back: the one transition a heartbeat makes.
      if (old != null
          && old.containsKey("status")
          && HostStatus.DOWN.name().equals(old.get("status").s())) {
        setStatus(beat.hostId(), HostStatus.DOWN, HostStatus.ACTIVE);
      }
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static Host fromItem(Map<String, AttributeValue> item) {
    return new Host(
        item.get("hostId").s(),
        Arch.parse(item.get("arch").s()),
        HostStatus.valueOf(item.get("status").s()),
        longOf(item, "diskUsedBytes"),
        longOf(item, "diskTotalBytes"),
        item.containsKey("images")
            ? item.get("images").l().stream().map(AttributeValue::s).toList()
            : List.of(),
        (int) longOf(item, "capacity"),
        (int) longOf(item, "runningWorkspaces"),
        (int) longOf(item, ASSIGNED),
        item.containsKey("lastHeartbeatMs")
            ? Instant.ofEpochMilli(Long.parseLong(item.get("lastHeartbeatMs").n()))
            : null);
  }

  private static long longOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }
}
