package io.a4c.functions.hosts;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Hosts in DynamoDB, one item per host. Heartbeats are applied only when newer than the stored one
 * (by the host's clock), and stamped with the time they were applied (this side's clock); the
 * status and the reservation counter ({@link HostSlots}) are never touched by a heartbeat, which
 * only resets the count of workspaces placed since the previous one. Thread-safe.
 */
@Singleton
public final class HostStore {
  private static final Map<String, String> STATUS_NAME = Map.of("#status", "status");

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  HostStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.hostsTable());
  }

  public HostStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** The hosts table's name, for transactions that span it. */
  public String table() {
    return table;
  }

  /**
   * Every host, without its image list ({@link Host#images()} empty: which hosts hold an image is
   * {@link HostImageStore}'s). The table holds one small item per bare-metal host, so a scan stays
   * small: placement reads it on every create.
   */
  public List<Host> all() {
    return dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
        .map(HostStore::fromItem)
        .toList();
  }

  /**
   * A heartbeat as applied: whether it was (a newer one was stored already when not), and which
   * image list the host's image items said before ({@link HostImageStore#digest}; null never, or
   * when an older heartbeat's items may have overwritten it since: {@link #imagesRaced}).
   */
  public record Applied(boolean applied, String imagesIndexed, Instant imagesIndexedAt) {}

  /**
   * Records that {@code beat}'s image list, of {@code digest}, is in the host's image items, if
   * {@code beat} is still the newest heartbeat applied (a newer one indexes its own).
   *
   * @return false when a newer heartbeat was applied meanwhile ({@link #imagesRaced} then)
   */
  public boolean markImagesIndexed(Heartbeat beat, String digest, Instant now) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(beat.hostId()))
                        .updateExpression(
                            "SET imagesIndexed = :digest, imagesIndexedAt = :now,"
                                + " imagesIndexedMs = :sent")
                        .conditionExpression("heartbeatSentMs = :sent")
                        .expressionAttributeValues(
                            Map.of(
                                ":digest", Values.s(digest),
                                ":now", Values.epochMillis(now),
                                ":sent", Values.epochMillis(beat.sentAt())))));
  }

  /** Whether the host has an item: it heartbeat before (one small, strongly consistent read). */
  public boolean exists(String hostId) {
    return dynamo
        .getItem(
            b ->
                b.tableName(table)
                    .key(A4cTables.HOSTS.key(hostId))
                    .consistentRead(true)
                    .projectionExpression("hostId"))
        .hasItem();
  }

  /**
   * Records that an older heartbeat's image items were written while a newer one was applied: the
   * newer one read the host's items before they were written (or found its list indexed already)
   * and may have left them standing, so the list of every heartbeat applied so far counts as not
   * indexed, and the next one indexes its own. Copies the newest heartbeat's send time rather than
   * clearing the digest, so that it holds whichever of this and the newer one's {@link
   * #markImagesIndexed} comes last.
   */
  public void imagesRaced(String hostId) {
    Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(hostId))
                        .updateExpression("SET imagesStaleThroughMs = heartbeatSentMs")
                        .conditionExpression("attribute_exists(heartbeatSentMs)")));
  }

  /**
   * Moves a host from one status to another, if it is in {@code from}.
   *
   * @return false when the host is missing or not in {@code from}
   */
  public boolean setStatus(String hostId, HostStatus from, HostStatus to) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(hostId))
                        .updateExpression("SET #status = :to")
                        .conditionExpression("#status = :from")
                        .expressionAttributeNames(STATUS_NAME)
                        .expressionAttributeValues(
                            Map.of(":to", Values.name(to), ":from", Values.name(from)))));
  }

  /**
   * Marks a host DOWN if its last heartbeat is still the one the caller judged too old.
   *
   * @return whether it was marked
   */
  public boolean markDown(Host host) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOSTS.key(host.hostId()))
                        .updateExpression("SET #status = :down")
                        .conditionExpression("lastHeartbeatMs = :seen AND #status <> :down")
                        .expressionAttributeNames(STATUS_NAME)
                        .expressionAttributeValues(
                            Map.of(
                                ":down", Values.name(HostStatus.DOWN),
                                ":seen", Values.epochMillis(host.lastHeartbeatAt())))));
  }

  /**
   * Records a heartbeat unless a newer one is stored already. Liveness is judged by {@code
   * receivedAt}, this side's clock ({@code lastHeartbeatMs}), never by the host's: a host whose
   * clock is behind would otherwise look silent while it beats. The host's {@code sentAt} ({@code
   * heartbeatSentMs}) only orders its beats, so one delivered late never overwrites a newer one.
   *
   * @param receivedAt when this side applies it (the receiver's clock)
   * @return whether it was applied
   */
  public boolean applyHeartbeat(Heartbeat beat, Instant receivedAt) {
    return apply(beat, receivedAt).applied();
  }

  /** {@link #applyHeartbeat}, answering what the host's image items said before it. */
  public Applied apply(Heartbeat beat, Instant receivedAt) {
    Map<String, AttributeValue> old;
    try {
      old =
          dynamo
              .updateItem(
                  b ->
                      b.tableName(table)
                          .key(A4cTables.HOSTS.key(beat.hostId()))
                          .returnValues(ReturnValue.ALL_OLD)
                          .updateExpression(
                              "SET arch = :arch, diskUsedBytes = :used, diskTotalBytes = :total,"
                                  + " #capacity = :capacity, runningWorkspaces = :running, lastHeartbeatMs = :received,"
                                  + " heartbeatSentMs = :sent, workingOn = :working,"
                                  + " #status = if_not_exists(#status, :active), "
                                  + HostSlots.ASSIGNED
                                  + " = if_not_exists("
                                  + HostSlots.ASSIGNED
                                  + ", :zero), "
                                  + HostSlots.PLACED_SINCE_HEARTBEAT
                                  + " = :zero"
                                  // the image list is HostImageStore's (older items had it here)
                                  + " REMOVE images")
                          .conditionExpression(
                              "attribute_not_exists(heartbeatSentMs) OR heartbeatSentMs < :sent")
                          .expressionAttributeNames(
                              Map.of("#status", "status", "#capacity", "capacity"))
                          .expressionAttributeValues(
                              Map.ofEntries(
                                  Map.entry(":arch", Values.s(beat.arch().wireName())),
                                  Map.entry(":used", Values.n(beat.diskUsedBytes())),
                                  Map.entry(":total", Values.n(beat.diskTotalBytes())),
                                  Map.entry(":capacity", Values.n(beat.capacity())),
                                  Map.entry(":running", Values.n(beat.runningWorkspaces())),
                                  Map.entry(":received", Values.epochMillis(receivedAt)),
                                  Map.entry(":sent", Values.epochMillis(beat.sentAt())),
                                  Map.entry(
                                      ":working",
                                      AttributeValue.fromL(
                                          beat.workingOn().stream()
                                              .map(AttributeValue::fromS)
                                              .toList())),
                                  Map.entry(":active", Values.name(HostStatus.ACTIVE)),
                                  Map.entry(":zero", Values.ZERO))))
              .attributes();
    } catch (ConditionalCheckFailedException e) {
      return new Applied(false, null, null);
    }
    // A host that was DOWN and beats again is back: the one transition a heartbeat makes.
    if (old != null && HostStatus.DOWN.name().equals(ItemReader.of(old).string("status"))) {
      setStatus(beat.hostId(), HostStatus.DOWN, HostStatus.ACTIVE);
    }
    var read = old == null ? null : ItemReader.of(old);
    if (read == null || raced(read)) {
      return new Applied(true, null, null);
    }
    return new Applied(true, read.string("imagesIndexed"), read.epochMillis("imagesIndexedAt"));
  }

  /** Whether the list last indexed may have been undone by an older heartbeat's writes since. */
  private static boolean raced(ItemReader read) {
    if (!read.has("imagesStaleThroughMs")) {
      return false;
    }
    return !read.has("imagesIndexedMs")
        || read.number("imagesStaleThroughMs") >= read.number("imagesIndexedMs");
  }

  private static Host fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new Host(
        read.string("hostId"),
        Arch.parse(read.string("arch")),
        read.name("status", HostStatus.class),
        read.number("diskUsedBytes"),
        read.number("diskTotalBytes"),
        List.of(),
        read.integer("capacity"),
        read.integer("runningWorkspaces"),
        read.integer(HostSlots.ASSIGNED),
        read.integer(HostSlots.PLACED_SINCE_HEARTBEAT),
        read.epochMillis("lastHeartbeatMs"),
        read.strings("workingOn"));
  }
}
