package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.quotas.UsageCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Workspaces in DynamoDB: partition userId, sort workspaceId, so a user's list is one Query. Every
 * write is conditional on the version it read; placement and removal move the host's reservation
 * counter and the user's quota counter in the same transaction, so a crash between them cannot leak
 * a slot and concurrent creates cannot pass a quota. Thread-safe.
 */
@Singleton
public final class WorkspaceStore {
  /** Raised when the chosen host filled up (or stopped being ACTIVE) before the write. */
  static final class HostUnavailableForReservation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HostUnavailableForReservation() {
      super(null, null, false, false);
    }
  }

  /** Raised when another request already used the idempotency key. */
  static final class IdempotencyKeyTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdempotencyKeyTaken() {
      super(null, null, false, false);
    }
  }

  /** How long an idempotency key is remembered (DynamoDB TTL deletes it after). */
  static final java.time.Duration IDEMPOTENCY_TTL = java.time.Duration.ofHours(24);

  /** ISO-8601 with a fixed nine-digit fraction, so stored instants sort as strings. */
  static final java.time.format.DateTimeFormatter SORTABLE =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  /** The attribute of the sparse index {@code byInFlight} (sort key: updatedAt). */
  static final String IN_FLIGHT = "inFlight";

  /** A page as stored: the items and the id to continue after, if any. */
  record StoredPage(List<Workspace> items, String lastWorkspaceId) {}

  private final DynamoDbClient dynamo;
  private final String table;
  private final String hostsTable;
  private final String idempotencyTable;
  private final UsageCounters usage;

  @Inject
  WorkspaceStore(DynamoDbClient dynamo, FunctionsConfig config, UsageCounters usage) {
    this.dynamo = dynamo;
    this.usage = usage;
    this.table = config.workspacesTable();
    this.hostsTable = config.hostsTable();
    this.idempotencyTable = config.idempotencyTable();
  }

  /** Raised when the user already holds as many workspaces as the quota allows. */
  static final class QuotaReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QuotaReached() {
      super(null, null, false, false);
    }
  }

  /**
   * Writes a new workspace, reserves a slot on its host, takes one unit of the user's workspace
   * quota and, when given, records the idempotency key — all or nothing.
   *
   * @param idempotency the key's record, or null
   * @param quota the most workspaces the user may hold
   * @throws HostUnavailableForReservation when the host is full or no longer ACTIVE
   * @throws QuotaReached when the user holds {@code quota} workspaces already
   * @throws IdempotencyKeyTaken when another request already used the key
   */
  void insertReserving(Workspace workspace, IdempotencyRecord idempotency, int quota) {
    if (quota <= 0) {
      throw new QuotaReached();
    }
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(toItem(workspace))
                        .conditionExpression("attribute_not_exists(workspaceId)"))
            .build());
    items.add(
        TransactWriteItem.builder()
            .update(
                u ->
                    u.tableName(hostsTable)
                        .key(Map.of("hostId", AttributeValue.fromS(workspace.hostId())))
                        .updateExpression("SET assignedWorkspaces = assignedWorkspaces + :one")
                        .conditionExpression("#status = :active AND assignedWorkspaces < #capacity")
                        .expressionAttributeNames(
                            Map.of("#status", "status", "#capacity", "capacity"))
                        .expressionAttributeValues(
                            Map.of(
                                ":one", AttributeValue.fromN("1"),
                                ":active", AttributeValue.fromS(HostStatus.ACTIVE.name()))))
            .build());
    items.add(usage.reserve(workspace.userId(), UsageCounters.Counter.WORKSPACES, quota));
    if (idempotency != null) {
      items.add(
          TransactWriteItem.builder()
              .put(
                  p ->
                      p.tableName(idempotencyTable)
                          .item(
                              Map.of(
                                  "idempotencyKey", AttributeValue.fromS(idempotency.key()),
                                  "requestHash", AttributeValue.fromS(idempotency.requestHash()),
                                  "workspaceId", AttributeValue.fromS(idempotency.workspaceId()),
                                  "expiresAt",
                                      AttributeValue.fromN(
                                          Long.toString(
                                              workspace
                                                  .createdAt()
                                                  .plus(IDEMPOTENCY_TTL)
                                                  .getEpochSecond()))))
                          .conditionExpression("attribute_not_exists(idempotencyKey)"))
              .build());
    }
    try {
      dynamo.transactWriteItems(t -> t.transactItems(items));
    } catch (TransactionCanceledException e) {
      var reasons = e.cancellationReasons();
      if (failed(reasons, 3)) {
        throw new IdempotencyKeyTaken();
      }
      if (failed(reasons, 2)) {
        throw new QuotaReached();
      }
      if (failed(reasons, 1)) {
        throw new HostUnavailableForReservation();
      }
      throw e;
    }
  }

  private static boolean failed(List<CancellationReason> reasons, int index) {
    return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
  }

  /** What an idempotency key made, if it was used. */
  Optional<IdempotencyRecord> idempotency(String key) {
    var item =
        dynamo
            .getItem(
                b ->
                    b.tableName(idempotencyTable)
                        .key(Map.of("idempotencyKey", AttributeValue.fromS(key)))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new IdempotencyRecord(key, item.get("requestHash").s(), item.get("workspaceId").s()));
  }

  /** Forgets an idempotency key (its request made nothing after all). */
  void forgetIdempotency(String key) {
    dynamo.deleteItem(
        b ->
            b.tableName(idempotencyTable).key(Map.of("idempotencyKey", AttributeValue.fromS(key))));
  }

  /** The workspace, read strongly consistent when about to be written. */
  Optional<Workspace> get(String userId, String workspaceId, boolean consistent) {
    var item =
        dynamo
            .getItem(
                b -> b.tableName(table).key(key(userId, workspaceId)).consistentRead(consistent))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
  }

  /**
   * Up to {@code limit} of a user's workspaces after {@code afterWorkspaceId} (null: from the
   * start).
   */
  StoredPage list(String userId, int limit, String afterWorkspaceId) {
    var response =
        dynamo.query(
            b -> {
              b.tableName(table)
                  .keyConditionExpression("userId = :u")
                  .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(userId)))
                  .limit(limit);
              if (afterWorkspaceId != null) {
                b.exclusiveStartKey(key(userId, afterWorkspaceId));
              }
            });
    var items = response.items().stream().map(WorkspaceStore::fromItem).toList();
    String last =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? response.lastEvaluatedKey().get("workspaceId").s()
            : null;
    return new StoredPage(items, last);
  }

  /**
   * Workspaces in PENDING, CREATING or DELETING not updated since {@code before} (index
   * byInFlight).
   */
  List<Workspace> inFlightSince(Instant before) {
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName("byInFlight")
                    .keyConditionExpression("inFlight = :one AND updatedAt < :before")
                    .expressionAttributeValues(
                        Map.of(
                            ":one",
                            AttributeValue.fromS("1"),
                            ":before",
                            AttributeValue.fromS(SORTABLE.format(before)))))
        .items()
        .stream()
        .map(WorkspaceStore::fromItem)
        .toList();
  }

  /** Every workspace placed on a host (index {@code byHost}; eventually consistent). */
  List<Workspace> onHost(String hostId) {
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName("byHost")
                    .keyConditionExpression("hostId = :h")
                    .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hostId))))
        .items()
        .stream()
        .map(WorkspaceStore::fromItem)
        .toList();
  }

  /**
   * Replaces {@code previous} with {@code next} if nobody wrote in between.
   *
   * @return false when the stored version is no longer {@code previous.version()}
   */
  boolean replace(Workspace previous, Workspace next) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(table)
                  .item(toItem(next))
                  .conditionExpression("#version = :v")
                  .expressionAttributeNames(Map.of("#version", "version"))
                  .expressionAttributeValues(
                      Map.of(":v", AttributeValue.fromN(Long.toString(previous.version())))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Deletes the record, releases its host slot and gives back its unit of the user's quota, all or
   * nothing. A counter already at zero (reset by hand, or a record older than the quota) is left
   * out rather than blocking the removal.
   *
   * @return false when the record changed or went since it was read
   */
  boolean removeReleasing(Workspace workspace) {
    boolean releaseHost = true;
    boolean releaseUsage = true;
    while (true) {
      List<TransactWriteItem> items = new ArrayList<>();
      items.add(
          TransactWriteItem.builder()
              .delete(
                  d ->
                      d.tableName(table)
                          .key(key(workspace.userId(), workspace.workspaceId()))
                          .conditionExpression("#version = :v")
                          .expressionAttributeNames(Map.of("#version", "version"))
                          .expressionAttributeValues(
                              Map.of(
                                  ":v", AttributeValue.fromN(Long.toString(workspace.version())))))
              .build());
      int hostIndex = -1;
      int usageIndex = -1;
      if (releaseHost) {
        hostIndex = items.size();
        items.add(
            TransactWriteItem.builder()
                .update(
                    u ->
                        u.tableName(hostsTable)
                            .key(Map.of("hostId", AttributeValue.fromS(workspace.hostId())))
                            .updateExpression("SET assignedWorkspaces = assignedWorkspaces - :one")
                            .conditionExpression("assignedWorkspaces > :zero")
                            .expressionAttributeValues(
                                Map.of(
                                    ":one",
                                    AttributeValue.fromN("1"),
                                    ":zero",
                                    AttributeValue.fromN("0"))))
                .build());
      }
      if (releaseUsage) {
        usageIndex = items.size();
        items.add(usage.release(workspace.userId(), UsageCounters.Counter.WORKSPACES));
      }
      if (items.size() == 1) {
        return deleteOnly(workspace);
      }
      try {
        dynamo.transactWriteItems(t -> t.transactItems(items));
        return true;
      } catch (TransactionCanceledException e) {
        var reasons = e.cancellationReasons();
        if (failed(reasons, 0)) {
          return false;
        }
        boolean hostAtZero = hostIndex >= 0 && failed(reasons, hostIndex);
        boolean usageAtZero = usageIndex >= 0 && failed(reasons, usageIndex);
        if (!hostAtZero && !usageAtZero) {
          throw e;
        }
        releaseHost &= !hostAtZero;
        releaseUsage &= !usageAtZero;
      }
    }
  }

  private boolean deleteOnly(Workspace workspace) {
    try {
      dynamo.deleteItem(
          b ->
              b.tableName(table)
                  .key(key(workspace.userId(), workspace.workspaceId()))
                  .conditionExpression("#version = :v")
                  .expressionAttributeNames(Map.of("#version", "version"))
                  .expressionAttributeValues(
                      Map.of(":v", AttributeValue.fromN(Long.toString(workspace.version())))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static Map<String, AttributeValue> key(String userId, String workspaceId) {
    return Map.of(
        "userId", AttributeValue.fromS(userId), "workspaceId", AttributeValue.fromS(workspaceId));
  }

  /** The item form of a workspace (also used to seed benchmarks). */
  public static Map<String, AttributeValue> toItem(Workspace w) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("userId", AttributeValue.fromS(w.userId()));
    item.put("workspaceId", AttributeValue.fromS(w.workspaceId()));
    putIfPresent(item, "name", w.name());
    item.put("projectName", AttributeValue.fromS(w.projectName()));
    item.put("parentName", AttributeValue.fromS(w.parentName()));
    item.put("arch", AttributeValue.fromS(w.arch().wireName()));
    putIfPresent(item, "change", w.change());
    item.put("imageRef", AttributeValue.fromS(w.imageRef()));
    item.put("hostId", AttributeValue.fromS(w.hostId()));
    item.put("hostname", AttributeValue.fromS(w.hostname()));
    putIfPresent(item, "containerId", w.containerId());
    putIfPresent(item, "ip", w.ip());
    item.put("state", AttributeValue.fromS(w.state().name()));
    if (w.state() == WorkspaceState.PENDING
        || w.state() == WorkspaceState.CREATING
        || w.state() == WorkspaceState.DELETING) {
      // Sparse index byInFlight: only work in progress is in it, so the sweeper never scans.
      item.put(IN_FLIGHT, AttributeValue.fromS("1"));
    }
    if (w.step() != null) {
      item.put("step", AttributeValue.fromS(w.step().name()));
    }
    putIfPresent(item, "reason", w.reason());
    item.put("version", AttributeValue.fromN(Long.toString(w.version())));
    if (w.redrives() > 0) {
      item.put("redrives", AttributeValue.fromN(Integer.toString(w.redrives())));
    }
    item.put("createdAt", AttributeValue.fromS(SORTABLE.format(w.createdAt())));
    item.put("updatedAt", AttributeValue.fromS(SORTABLE.format(w.updatedAt())));
    return item;
  }

  static Workspace fromItem(Map<String, AttributeValue> item) {
    return new Workspace(
        s(item, "userId"),
        s(item, "workspaceId"),
        s(item, "name"),
        s(item, "projectName"),
        s(item, "parentName"),
        Arch.parse(s(item, "arch")),
        s(item, "change"),
        s(item, "imageRef"),
        s(item, "hostId"),
        s(item, "hostname"),
        s(item, "containerId"),
        s(item, "ip"),
        WorkspaceState.valueOf(s(item, "state")),
        item.containsKey("step") ? WorkspaceStep.valueOf(s(item, "step")) : null,
        s(item, "reason"),
        Long.parseLong(item.get("version").n()),
        Instant.parse(s(item, "createdAt")),
        Instant.parse(s(item, "updatedAt")),
        item.containsKey("redrives") ? Integer.parseInt(item.get("redrives").n()) : 0,
        null);
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value));
    }
  }

  private static String s(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
