package io.a4c.functions.hosts;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.Values;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The hosts' reservation counters ({@code assignedWorkspaces} on each host's item), moved only
 * inside the transaction that writes or removes the workspace they count, so a crash between them
 * cannot leak a slot and two creates cannot take a host's last slot together. Heartbeats never
 * touch the counter. A new placement also counts itself in {@code placedSinceHeartbeat}, which the
 * next heartbeat resets: placement adds it to the host's disk figure, which lags by a beat.
 * Thread-safe.
 */
@Singleton
public final class HostSlots {
  static final String ASSIGNED = "assignedWorkspaces";
  static final String PLACED_SINCE_HEARTBEAT = "placedSinceHeartbeat";

  private final String table;

  @Inject
  HostSlots(FunctionsConfig config) {
    this(config.hostsTable());
  }

  public HostSlots(String table) {
    this.table = table;
  }

  /**
   * The transaction item that takes a slot on {@code hostId}; its condition fails when the host is
   * full or not ACTIVE.
   */
  public TransactWriteItem reserve(String hostId) {
    return take(
        hostId,
        ", "
            + PLACED_SINCE_HEARTBEAT
            + " = if_not_exists("
            + PLACED_SINCE_HEARTBEAT
            + ", :zero) + :one",
        "#status = :status",
        HostStatus.ACTIVE);
  }

  /**
   * The transaction item that gives a workspace already placed on {@code hostId} its slot back (a
   * start or rebuild of a stopped one); its condition fails only when the host is full or DOWN: a
   * DRAINING host takes no new workspaces, but its own may run again.
   */
  public TransactWriteItem reserveOwn(String hostId) {
    return take(hostId, "", "#status <> :status", HostStatus.DOWN);
  }

  /**
   * One more slot taken on {@code hostId}, if it has room and {@code statusRule} holds; {@code
   * alsoSet} adds to the update's SET clause.
   */
  private TransactWriteItem take(
      String hostId, String alsoSet, String statusRule, HostStatus status) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(A4cTables.HOSTS.key(hostId))
                    .updateExpression("SET " + ASSIGNED + " = " + ASSIGNED + " + :one" + alsoSet)
                    .conditionExpression(statusRule + " AND " + ASSIGNED + " < #capacity")
                    .expressionAttributeNames(Map.of("#status", "status", "#capacity", "capacity"))
                    .expressionAttributeValues(
                        alsoSet.isEmpty()
                            ? Map.of(":one", Values.ONE, ":status", Values.name(status))
                            : Map.of(
                                ":one",
                                Values.ONE,
                                ":zero",
                                Values.ZERO,
                                ":status",
                                Values.name(status))))
        .build();
  }

  /** The transaction item that gives a slot back; its condition fails when the counter is zero. */
  public TransactWriteItem release(String hostId) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(A4cTables.HOSTS.key(hostId))
                    .updateExpression("SET " + ASSIGNED + " = " + ASSIGNED + " - :one")
                    .conditionExpression(ASSIGNED + " > :zero")
                    .expressionAttributeValues(Map.of(":one", Values.ONE, ":zero", Values.ZERO)))
        .build();
  }
}
