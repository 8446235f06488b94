package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import io.a4c.functions.hosts.HostSlots;
import io.a4c.functions.quotas.UsageCounters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
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

  /** The attribute of the sparse index {@code byInFlight} (sort key: updatedAt). */
  static final String IN_FLIGHT = A4cTables.WORKSPACES_IN_FLIGHT.partitionKey();

  /** The attribute of the sparse index {@code byExpiry} (sort key: deleteAfter). */
  static final String EXPIRES = A4cTables.WORKSPACES_EXPIRING.partitionKey();

  /** A page as stored: the items and the id to continue after, if any. */
  record StoredPage(List<Workspace> items, String lastWorkspaceId) {}

  private final DynamoDbClient dynamo;
  private final String table;
  private final UsageCounters usage;
  private final HostSlots hostSlots;
  private final IdempotencyKeys idempotencyKeys;

  @Inject
  WorkspaceStore(
      DynamoDbClient dynamo,
      FunctionsConfig config,
      UsageCounters usage,
      HostSlots hostSlots,
      IdempotencyKeys idempotencyKeys) {
    this(dynamo, config.workspacesTable(), usage, hostSlots, idempotencyKeys);
  }

  WorkspaceStore(
      DynamoDbClient dynamo,
      String table,
      UsageCounters usage,
      HostSlots hostSlots,
      IdempotencyKeys idempotencyKeys) {
    this.dynamo = dynamo;
    this.table = table;
    this.usage = usage;
    this.hostSlots = hostSlots;
    this.idempotencyKeys = idempotencyKeys;
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
    insertHolding(
        workspace,
        idempotency,
        quota,
        "hostSlot",
        hostSlots.reserve(workspace.hostId()),
        HostUnavailableForReservation::new);
  }

  /** Raised when the pool member a claim tried was claimed by another create or removed first. */
  static final class PoolMemberTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PoolMemberTaken() {
      super(null, null, false, false);
    }
  }

  /**
   * Writes a new workspace made from a warm pool member, with a unit of the user's quota and the
   * idempotency key, in the one transaction whose {@code poolClaim} ({@link
   * io.a4c.functions.warmpool.WarmPoolStore#claim}) takes the member: the member's host slot
   * becomes the workspace's, so no slot moves. Of concurrent claims of one member exactly one
   * commits.
   *
   * @throws PoolMemberTaken when another create claimed the member first, or it is gone
   * @throws QuotaReached when the user holds as many workspaces as {@code quota}
   * @throws IdempotencyKeyTaken when another request used the idempotency key
   */
  void insertClaiming(
      Workspace workspace, IdempotencyRecord idempotency, int quota, TransactWriteItem poolClaim) {
    insertHolding(workspace, idempotency, quota, "poolMember", poolClaim, PoolMemberTaken::new);
  }

  /**
   * The one transaction of a new workspace: its record, its place on a host ({@code place}, named
   * {@code placeName}: a slot reserved, or a pool member claimed), a unit of the user's quota and
   * the idempotency key. A participant still contended after the retries ({@link
   * Transaction#commit}) lost a race: the answer is the loser's, as if the winner's write had made
   * its condition false — {@code placeLost} when the place went.
   */
  private void insertHolding(
      Workspace workspace,
      IdempotencyRecord idempotency,
      int quota,
      String placeName,
      TransactWriteItem place,
      Supplier<RuntimeException> placeLost) {
    if (quota <= 0) {
      throw new QuotaReached();
    }
    var tx =
        Transaction.of(dynamo)
            .put(
                "workspace",
                p ->
                    p.tableName(table)
                        .item(toItem(workspace))
                        .conditionExpression("attribute_not_exists(workspaceId)"))
            .add(placeName, place)
            .add(
                "quota",
                usage.reserve(workspace.userId(), UsageCounters.Counter.WORKSPACES, quota));
    if (idempotency != null) {
      tx.add("idempotencyKey", idempotencyKeys.record(idempotency, workspace.createdAt()));
    }
    try {
      tx.commit();
    } catch (TransactionCanceledException e) {
      var failure = tx.failure(e);
      if (failure.failed("idempotencyKey") || failure.conflicted("idempotencyKey")) {
        throw new IdempotencyKeyTaken();
      }
      if (failure.failed("quota") || failure.conflicted("quota")) {
        throw new QuotaReached();
      }
      if (failure.failed(placeName) || failure.conflicted(placeName)) {
        throw placeLost.get();
      }
      throw e;
    }
  }

  /** What an idempotency key made, if it was used. */
  Optional<IdempotencyRecord> idempotency(String key) {
    return idempotencyKeys.find(key);
  }

  /** Forgets an idempotency key (its request made nothing after all). */
  void forgetIdempotency(String key) {
    idempotencyKeys.forget(key);
  }

  /** The workspace, read strongly consistent when about to be written. */
  Optional<Workspace> get(String userId, String workspaceId, boolean consistent) {
    return Reads.item(dynamo, table, A4cTables.WORKSPACES.key(userId, workspaceId), consistent)
        .map(WorkspaceStore::fromItem);
  }

  /**
   * Up to {@code limit} of a user's workspaces after {@code afterWorkspaceId} (null: from the
   * start).
   */
  StoredPage list(String userId, int limit, String afterWorkspaceId) {
    var response =
        Reads.page(dynamo, table, A4cTables.WORKSPACES, userId, limit, afterWorkspaceId, b -> {});
    var items = response.items().stream().map(WorkspaceStore::fromItem).toList();
    return new StoredPage(items, Reads.next(response, A4cTables.WORKSPACES));
  }

  /**
   * Workspaces a host is still working on (PENDING, CREATING, DELETING, STOPPING, STARTING,
   * REBUILDING) not updated since {@code before} (index byInFlight).
   */
  List<Workspace> inFlightSince(Instant before) {
    return markedBefore(A4cTables.WORKSPACES_IN_FLIGHT, before);
  }

  /** The workspaces a sparse index marks whose sort key is before {@code before}, all pages. */
  private List<Workspace> markedBefore(io.a4c.functions.dynamo.IndexSpec index, Instant before) {
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(index.name())
                    .keyConditionExpression(
                        index.partitionKey() + " = :one AND " + index.sortKey() + " < :before")
                    .expressionAttributeValues(
                        Map.of(":one", Values.s("1"), ":before", Values.instant(before))))
        .items()
        .stream()
        .map(WorkspaceStore::fromItem)
        .toList();
  }

  /** Every workspace placed on a host (index {@code byHost}; eventually consistent). */
  List<Workspace> onHost(String hostId) {
    var index = A4cTables.WORKSPACES_BY_HOST;
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(index.name())
                    .keyConditionExpression(index.partitionKey() + " = :h")
                    .expressionAttributeValues(Map.of(":h", Values.s(hostId))))
        .items()
        .stream()
        .map(WorkspaceStore::fromItem)
        .toList();
  }

  /** Raised when a workspace that takes its host slot back finds the host full. */
  static final class HostFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HostFull() {
      super(null, null, false, false);
    }
  }

  /**
   * Replaces {@code previous} with {@code next} if nobody wrote in between. When {@code next} takes
   * or gives back its host slot (a start, or a stop reported), the host's counter moves in the same
   * transaction.
   *
   * @return false when the stored version is no longer {@code previous.version()}
   * @throws HostFull when {@code next} takes a slot and its host has none free
   */
  boolean replace(Workspace previous, Workspace next) {
    boolean takes = next.life().slotHeld() && !previous.life().slotHeld();
    boolean gives = !next.life().slotHeld() && previous.life().slotHeld();
    if (!takes && !gives) {
      return Writes.conditionally(
          () ->
              dynamo.putItem(
                  b ->
                      b.tableName(table)
                          .item(toItem(next))
                          .conditionExpression(AT_VERSION)
                          .expressionAttributeNames(VERSION_NAME)
                          .expressionAttributeValues(Map.of(":v", Values.n(previous.version())))));
    }
    var tx =
        Transaction.of(dynamo)
            .put(
                "workspace",
                p ->
                    p.tableName(table)
                        .item(toItem(next))
                        .conditionExpression(AT_VERSION)
                        .expressionAttributeNames(VERSION_NAME)
                        .expressionAttributeValues(Map.of(":v", Values.n(previous.version()))));
    tx.add(
        "hostSlot", takes ? hostSlots.reserveOwn(next.hostId()) : hostSlots.release(next.hostId()));
    try {
      tx.commit();
      return true;
    } catch (TransactionCanceledException e) {
      var failure = tx.failure(e);
      if (failure.failed("workspace")) {
        return false;
      }
      if (failure.failed("hostSlot") && takes) {
        throw new HostFull();
      }
      if (failure.failed("hostSlot")) {
        // The counter is at zero already (reset by hand): write the record alone.
        return replace(previous.withLife(next.life()), next);
      }
      throw e;
    }
  }

  private static final String WARNING_CLAIMED_AT = "expiryWarningClaimedAt";

  /**
   * Writes {@code claimed}, which holds the claim on sending {@code current}'s expiry warning, over
   * {@code current}: only if nobody wrote it since it was read, its warning was not given, and no
   * other sweep holds the claim — none does, or its claim is from before {@code takeOverBefore} (a
   * sweep that died holding it). The one write that decides who sends the warning.
   *
   * @return false when another sweep holds the claim, or the record changed since it was read
   */
  boolean claimExpiryWarning(Workspace current, Workspace claimed, Instant takeOverBefore) {
    return Writes.conditionally(
        () ->
            dynamo.putItem(
                b ->
                    b.tableName(table)
                        .item(toItem(claimed))
                        .conditionExpression(
                            AT_VERSION
                                + " AND attribute_not_exists(expiryWarnedAt)"
                                + " AND (attribute_not_exists(#claimed) OR #claimed < :stale)")
                        .expressionAttributeNames(
                            Map.of("#version", "version", "#claimed", WARNING_CLAIMED_AT))
                        .expressionAttributeValues(
                            Map.of(
                                ":v",
                                Values.n(current.version()),
                                ":stale",
                                Values.instant(takeOverBefore)))));
  }

  /**
   * Stopped workspaces to be deleted before {@code before} (index byExpiry; eventually consistent),
   * for the expiry sweep.
   */
  List<Workspace> expiringBefore(Instant before) {
    return markedBefore(A4cTables.WORKSPACES_EXPIRING, before);
  }

  /**
   * Records that the workspace's host saw it in use at {@code at}, as a maximum, while it is on
   * {@code hostId}. Moves the version on, like {@link #recordSshKeysRevision}.
   *
   * @return false when the record is gone, elsewhere, or knows a later time already
   */
  boolean recordLastActive(String userId, String workspaceId, String hostId, Instant at) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.WORKSPACES.key(userId, workspaceId))
                        .updateExpression("SET lastActiveAt = :t, #version = #version + :one")
                        .conditionExpression(
                            "hostId = :h AND (attribute_not_exists(lastActiveAt)"
                                + " OR lastActiveAt < :t)")
                        .expressionAttributeNames(VERSION_NAME)
                        .expressionAttributeValues(
                            Map.of(
                                ":t", Values.instant(at),
                                ":h", Values.s(hostId),
                                ":one", Values.ONE))));
  }

  /**
   * Records that the workspace holds the user's key set of {@code revision}, as a maximum: only a
   * newer revision is written, and only while the workspace is on {@code hostId}. Moves the version
   * on, so a replace that read the record before cannot write the old revision back.
   *
   * @return false when the record is gone, on another host or already at that revision or newer
   */
  boolean recordSshKeysRevision(String userId, String workspaceId, String hostId, long revision) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.WORKSPACES.key(userId, workspaceId))
                        .updateExpression("SET sshKeysRevision = :r, #version = #version + :one")
                        .conditionExpression(
                            "hostId = :h AND (attribute_not_exists(sshKeysRevision)"
                                + " OR sshKeysRevision < :r)")
                        .expressionAttributeNames(VERSION_NAME)
                        .expressionAttributeValues(
                            Map.of(
                                ":r", Values.n(revision),
                                ":h", Values.s(hostId),
                                ":one", Values.ONE))));
  }

  /**
   * Deletes the record, releases its host slot and gives back its unit of the user's quota, all or
   * nothing. A counter already at zero (reset by hand, or a record older than the quota) is left
   * out rather than blocking the removal.
   *
   * @return false when the record changed or went since it was read
   */
  boolean removeReleasing(Workspace workspace) {
    boolean releaseHost = workspace.life().slotHeld();
    boolean releaseUsage = true;
    while (true) {
      var tx = Transaction.of(dynamo).delete("workspace", atVersion(workspace));
      if (releaseHost) {
        tx.add("hostSlot", hostSlots.release(workspace.hostId()));
      }
      if (releaseUsage) {
        tx.add("quota", usage.release(workspace.userId(), UsageCounters.Counter.WORKSPACES));
      }
      if (tx.size() == 1) {
        return Writes.conditionally(
            () ->
                dynamo.deleteItem(
                    d ->
                        d.tableName(table)
                            .key(
                                A4cTables.WORKSPACES.key(
                                    workspace.userId(), workspace.workspaceId()))
                            .conditionExpression(AT_VERSION)
                            .expressionAttributeNames(VERSION_NAME)
                            .expressionAttributeValues(
                                Map.of(":v", Values.n(workspace.version())))));
      }
      try {
        tx.commit();
        return true;
      } catch (TransactionCanceledException e) {
        var failure = tx.failure(e);
        if (failure.failed("workspace")) {
          return false;
        }
        boolean hostAtZero = failure.failed("hostSlot");
        boolean usageAtZero = failure.failed("quota");
        if (!hostAtZero && !usageAtZero) {
          throw e;
        }
        releaseHost &= !hostAtZero;
        releaseUsage &= !usageAtZero;
      }
    }
  }

  /**
   * Undoes a create that claimed a warm pool member ({@link #insertClaiming}): deletes the record,
   * gives back its unit of the user's quota and, with {@code poolUnclaim} ({@link
   * io.a4c.functions.warmpool.WarmPoolStore#unclaim}), puts the member back READY, all or nothing.
   * The member keeps the host slot the record took over from it, so no slot moves. When the member
   * is no longer this claim's (the pool forgot it), the record goes as any other, its slot
   * released: the container is then a stray the reconciler removes. A quota counter already at zero
   * is left out.
   *
   * @return false when the record changed or went since it was read
   */
  boolean removeUnclaiming(Workspace workspace, TransactWriteItem poolUnclaim) {
    boolean releaseUsage = true;
    while (true) {
      var tx =
          Transaction.of(dynamo)
              .delete("workspace", atVersion(workspace))
              .add("poolMember", poolUnclaim);
      if (releaseUsage) {
        tx.add("quota", usage.release(workspace.userId(), UsageCounters.Counter.WORKSPACES));
      }
      try {
        tx.commit();
        return true;
      } catch (TransactionCanceledException e) {
        var failure = tx.failure(e);
        if (failure.failed("workspace")) {
          return false;
        }
        if (failure.failed("poolMember")) {
          return removeReleasing(workspace);
        }
        if (!failure.failed("quota")) {
          throw e;
        }
        releaseUsage = false;
      }
    }
  }

  private static final String AT_VERSION = "#version = :v";
  private static final Map<String, String> VERSION_NAME = Map.of("#version", "version");

  /** The delete of {@code workspace}'s record, conditioned on the version it was read at. */
  private java.util.function.Consumer<Delete.Builder> atVersion(Workspace workspace) {
    return d ->
        d.tableName(table)
            .key(A4cTables.WORKSPACES.key(workspace.userId(), workspace.workspaceId()))
            .conditionExpression(AT_VERSION)
            .expressionAttributeNames(VERSION_NAME)
            .expressionAttributeValues(Map.of(":v", Values.n(workspace.version())));
  }

  /** The item form of a workspace (also used to seed benchmarks). */
  public static Map<String, AttributeValue> toItem(Workspace w) {
    var rebuild = w.life().rebuild();
    return ItemWriter.item()
        .key(A4cTables.WORKSPACES.key(w.userId(), w.workspaceId()))
        .string("name", w.name())
        .string("projectName", w.projectName())
        .string("parentName", w.parentName())
        .string("arch", w.arch().wireName())
        .string("change", w.change())
        .string("imageRef", w.imageRef())
        .string("hostId", w.hostId())
        .string("hostname", w.hostname())
        .string("containerId", w.containerId())
        .string("ip", w.ip())
        .name("state", w.state())
        // Sparse index byInFlight: only work in progress is in it, so the sweeper never scans.
        .flag(IN_FLIGHT, inFlight(w.state()))
        .name("step", w.step())
        .string("reason", w.reason())
        .number("version", w.version())
        .positive("redrives", w.redrives())
        .instant("createdAt", w.createdAt())
        .instant("updatedAt", w.updatedAt())
        .string("sshLogin", w.ssh() == null ? null : w.ssh().login())
        .string("sshHostKey", w.ssh() == null ? null : w.ssh().hostKey())
        .positive("sshKeysRevision", w.ssh() == null ? 0 : w.ssh().keysRevision())
        .positive("sshSentKeysRevision", w.ssh() == null ? 0 : w.ssh().sentKeysRevision())
        .string("sshUnavailable", w.ssh() == null ? null : w.ssh().unavailable())
        .positive("operation", w.life().operation())
        // Absent means held: records from before stop/start all held one.
        .flag("slotFree", !w.life().slotHeld())
        // Sparse index byExpiry: only stopped workspaces that are to be deleted.
        .flag(EXPIRES, w.state() == WorkspaceState.STOPPED && w.life().deleteAfter() != null)
        .string("stoppedReason", w.life().stoppedReason())
        .instant("stoppedAt", w.life().stoppedAt())
        .instant("deleteAfter", w.life().deleteAfter())
        .instant("expiryWarnedAt", w.life().expiryWarnedAt())
        .instant(WARNING_CLAIMED_AT, w.life().expiryWarningClaimedAt())
        .instant("lastActiveAt", w.life().lastActiveAt())
        .string("rebuildImageRef", rebuild == null ? null : rebuild.imageRef())
        .string("rebuildChange", rebuild == null ? null : rebuild.change())
        .string("rebuildHostKey", rebuild == null ? null : rebuild.hostKey())
        .positive("rebuildKeysRevision", rebuild == null ? 0 : rebuild.keysRevision())
        .string("notifyEmail", w.life().notifyEmail())
        .build();
  }

  private static boolean inFlight(WorkspaceState state) {
    return state.inFlight();
  }

  /** The one place a stored workspace is built field by field. */
  static Workspace fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new Workspace(
        read.string("userId"),
        read.string("workspaceId"),
        read.string("name"),
        read.string("projectName"),
        read.string("parentName"),
        Arch.parse(read.string("arch")),
        read.string("change"),
        read.string("imageRef"),
        read.string("hostId"),
        read.string("hostname"),
        read.string("containerId"),
        read.string("ip"),
        read.name("state", WorkspaceState.class),
        read.name("step", WorkspaceStep.class),
        read.string("reason"),
        read.number("version"),
        read.instant("createdAt"),
        read.instant("updatedAt"),
        read.integer("redrives"),
        read.string("sshLogin") == null
            ? null
            : new Workspace.Ssh(
                read.string("sshLogin"),
                read.string("sshHostKey"),
                read.number("sshKeysRevision"),
                read.number("sshSentKeysRevision"),
                read.string("sshUnavailable")),
        new Workspace.Lifecycle(
            read.number("operation"),
            !"1".equals(read.string("slotFree")),
            read.string("stoppedReason"),
            read.instant("stoppedAt"),
            read.instant("deleteAfter"),
            read.instant("expiryWarnedAt"),
            read.instant(WARNING_CLAIMED_AT),
            read.instant("lastActiveAt"),
            read.string("rebuildImageRef") == null
                ? null
                : new Workspace.Rebuild(
                    read.string("rebuildImageRef"),
                    read.string("rebuildChange"),
                    read.string("rebuildHostKey"),
                    read.number("rebuildKeysRevision")),
            read.string("notifyEmail")));
  }
}
