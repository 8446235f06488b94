package io.a4c.functions.warmpool;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import io.a4c.functions.hosts.HostSlots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Warm pool members in the workspaces table, beside the users' partitions: partition {@code
 * #pool#<pool key>}, sort key the member's id; the partition {@code #pools} lists every pool that
 * has had members (sort key: the pool key), so the sweeper finds pools whose project or parent is
 * gone. '#' is in no user id, so these never meet a user's workspaces, and members carry none of
 * the attributes the table's indexes key on. A member holds a slot on its host from its fill until
 * it is removed or claimed; a claim hands that slot to the workspace in the claim's transaction.
 * Thread-safe.
 */
@Singleton
public final class WarmPoolStore {
  /** Raised when the chosen host filled up (or stopped being ACTIVE) before the fill's write. */
  public static final class HostFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HostFull() {
      super(null, null, false, false);
    }
  }

  static final String POOLS = "#pools";
  private static final String PARTITION = A4cTables.WORKSPACES.partitionKey();
  private static final String SORT = A4cTables.WORKSPACES.sortKey();

  private final DynamoDbClient dynamo;
  private final String table;
  private final HostSlots hostSlots;

  @Inject
  WarmPoolStore(DynamoDbClient dynamo, FunctionsConfig config, HostSlots hostSlots) {
    this(dynamo, config.workspacesTable(), hostSlots);
  }

  public WarmPoolStore(DynamoDbClient dynamo, String table, HostSlots hostSlots) {
    this.dynamo = dynamo;
    this.table = table;
    this.hostSlots = hostSlots;
  }

  static String partition(String pool) {
    return "#pool#" + pool;
  }

  private static Map<String, AttributeValue> key(String pool, String memberId) {
    return A4cTables.WORKSPACES.key(partition(pool), memberId);
  }

  /**
   * Writes a new FILLING member, takes a slot on its host and lists its pool, in one transaction.
   *
   * @throws HostFull when the host has no free slot or is not ACTIVE
   */
  public void insertFilling(PoolMember member) {
    var tx =
        Transaction.of(dynamo)
            .put(
                "member",
                p ->
                    p.tableName(table)
                        .item(toItem(member))
                        .conditionExpression("attribute_not_exists(" + SORT + ")"))
            .add("hostSlot", hostSlots.reserve(member.hostId()))
            .put(
                "pools",
                p ->
                    p.tableName(table)
                        .item(
                            ItemWriter.item()
                                .key(A4cTables.WORKSPACES.key(POOLS, member.pool()))
                                .build()));
    try {
      tx.commit();
    } catch (TransactionCanceledException e) {
      var failure = tx.failure(e);
      if (failure.failed("hostSlot") || failure.conflicted("hostSlot")) {
        throw new HostFull();
      }
      throw e;
    }
  }

  /**
   * Marks a FILLING member READY with its container and address.
   *
   * @return false when it is not FILLING (ready already, removed or claimed)
   */
  public boolean markReady(
      String pool, String memberId, String containerId, String ip, Instant now) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                u ->
                    u.tableName(table)
                        .key(key(pool, memberId))
                        .updateExpression(
                            "SET #state = :ready, containerId = :c, ip = :ip, updatedAt = :now")
                        .conditionExpression("#state = :filling")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(
                            Map.of(
                                ":ready", Values.name(PoolMember.State.READY),
                                ":filling", Values.name(PoolMember.State.FILLING),
                                ":c", Values.s(containerId),
                                ":ip", Values.s(ip),
                                ":now", Values.instant(now)))));
  }

  /**
   * The transaction item that claims a READY member of {@code imageRef} for {@code userId}: its
   * condition fails when another create claimed it first, or it was removed or replaced. The one
   * write that decides who gets a member: a member never goes to two users.
   */
  public TransactWriteItem claim(PoolMember member, String userId, Instant now) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(key(member.pool(), member.memberId()))
                    .updateExpression("SET #state = :claimed, claimedBy = :u, updatedAt = :now")
                    .conditionExpression("#state = :ready AND imageRef = :image")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(
                        Map.of(
                            ":claimed", Values.name(PoolMember.State.CLAIMED),
                            ":ready", Values.name(PoolMember.State.READY),
                            ":image", Values.s(member.imageRef()),
                            ":u", Values.s(userId),
                            ":now", Values.instant(now))))
        .build();
  }

  /**
   * The transaction item that undoes {@link #claim} of {@code member} by {@code userId} at {@code
   * claimedAt}: the member READY again as it was, its slot still its own. Its condition fails when
   * the claim is no longer that one (forgotten, or never made).
   */
  public TransactWriteItem unclaim(PoolMember member, String userId, Instant claimedAt) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(key(member.pool(), member.memberId()))
                    .updateExpression("SET #state = :ready, updatedAt = :readyAt REMOVE claimedBy")
                    .conditionExpression(
                        "#state = :claimed AND claimedBy = :u AND updatedAt = :claimedAt")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(
                        Map.of(
                            ":claimed", Values.name(PoolMember.State.CLAIMED),
                            ":ready", Values.name(PoolMember.State.READY),
                            ":u", Values.s(userId),
                            ":claimedAt", Values.instant(claimedAt),
                            ":readyAt", Values.instant(member.updatedAt()))))
        .build();
  }

  /**
   * Removes an unclaimed member and gives its host slot back, in one transaction. A host counter
   * already at zero (reset by hand, or the host's item made again) is left out rather than blocking
   * the removal: the member goes alone.
   *
   * @return false when it was claimed or removed meanwhile
   */
  public boolean removeReleasing(PoolMember member) {
    var tx =
        Transaction.of(dynamo)
            .delete(
                "member",
                d ->
                    d.tableName(table)
                        .key(key(member.pool(), member.memberId()))
                        .conditionExpression(UNCLAIMED)
                        .expressionAttributeNames(STATE_NAME)
                        .expressionAttributeValues(UNCLAIMED_STATES))
            .add("hostSlot", hostSlots.release(member.hostId()));
    try {
      tx.commit();
      return true;
    } catch (TransactionCanceledException e) {
      var failure = tx.failure(e);
      if (failure.failed("member")) {
        return false;
      }
      if (!failure.failed("hostSlot")) {
        throw e;
      }
    }
    return Writes.conditionally(
        () ->
            dynamo.deleteItem(
                d ->
                    d.tableName(table)
                        .key(key(member.pool(), member.memberId()))
                        .conditionExpression(UNCLAIMED)
                        .expressionAttributeNames(STATE_NAME)
                        .expressionAttributeValues(UNCLAIMED_STATES)));
  }

  private static final String UNCLAIMED = "#state IN (:filling, :ready)";
  private static final Map<String, String> STATE_NAME = Map.of("#state", "state");
  private static final Map<String, AttributeValue> UNCLAIMED_STATES =
      Map.of(
          ":filling", Values.name(PoolMember.State.FILLING),
          ":ready", Values.name(PoolMember.State.READY));

  /** Forgets a CLAIMED member: its workspace record is what counts now. */
  public void forgetClaimed(PoolMember member) {
    Writes.conditionally(
        () ->
            dynamo.deleteItem(
                d ->
                    d.tableName(table)
                        .key(key(member.pool(), member.memberId()))
                        .conditionExpression("#state = :claimed")
                        .expressionAttributeNames(Map.of("#state", "state"))
                        .expressionAttributeValues(
                            Map.of(":claimed", Values.name(PoolMember.State.CLAIMED)))));
  }

  /** Unlists a pool that has no members left; a fill lists it again. */
  public void forgetPool(String pool) {
    dynamo.deleteItem(d -> d.tableName(table).key(A4cTables.WORKSPACES.key(POOLS, pool)));
  }

  /** One member, read strongly consistent. */
  public Optional<PoolMember> get(String pool, String memberId) {
    return Reads.item(dynamo, table, key(pool, memberId), true).map(WarmPoolStore::fromItem);
  }

  /** Every member of a pool, read strongly consistent. */
  public List<PoolMember> members(String pool) {
    return dynamo
        .queryPaginator(
            q ->
                q.tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression(PARTITION + " = :p")
                    .expressionAttributeValues(Map.of(":p", Values.s(partition(pool)))))
        .items()
        .stream()
        .map(WarmPoolStore::fromItem)
        .toList();
  }

  /** Every pool that has had members since it was last found empty. */
  public List<String> pools() {
    return dynamo
        .queryPaginator(
            q ->
                q.tableName(table)
                    .keyConditionExpression(PARTITION + " = :p")
                    .expressionAttributeValues(Map.of(":p", Values.s(POOLS))))
        .items()
        .stream()
        .map(item -> ItemReader.of(item).string(SORT))
        .toList();
  }

  private static Map<String, AttributeValue> toItem(PoolMember member) {
    return ItemWriter.item()
        .key(key(member.pool(), member.memberId()))
        .string("pool", member.pool())
        .string("poolHost", member.hostId())
        .string("imageRef", member.imageRef())
        .string("specKey", member.specKey())
        .name("state", member.state())
        .string("containerId", member.containerId())
        .string("ip", member.ip())
        .string("claimedBy", member.claimedBy())
        .instant("createdAt", member.createdAt())
        .instant("updatedAt", member.updatedAt())
        .build();
  }

  private static PoolMember fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new PoolMember(
        read.string("pool"),
        read.string(SORT),
        read.string("poolHost"),
        read.string("imageRef"),
        read.string("specKey"),
        read.name("state", PoolMember.State.class),
        read.string("containerId"),
        read.string("ip"),
        read.string("claimedBy"),
        read.instant("createdAt"),
        read.instant("updatedAt"));
  }
}
