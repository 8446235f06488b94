package io.a4c.functions.workspaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostSlots;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.projects.Image;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The workspace store against Dynoxide: the create and remove transactions (workspace, host slot,
 * quota, idempotency key) and which participant's failure means what, versioned replaces, and the
 * indexes the sweeper and the reconciler read.
 */
class WorkspaceStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  private static final String HOST = "h1";
  private static final String USER = "alice";

  private HostStore hosts;
  private UsageCounters usage;
  private IdempotencyKeys keys;
  private WorkspaceStore store;
  private int nextId;

  @BeforeEach
  void stores() {
    var client = dynamo.client();
    hosts = new HostStore(client, dynamo.table(A4cTables.HOSTS));
    usage = new UsageCounters(client, dynamo.table(A4cTables.USAGE));
    keys = new IdempotencyKeys(client, dynamo.table(A4cTables.IDEMPOTENCY));
    store =
        new WorkspaceStore(
            client,
            dynamo.table(A4cTables.WORKSPACES),
            usage,
            new HostSlots(dynamo.table(A4cTables.HOSTS)),
            keys);
  }

  @Test
  void insertWritesTheWorkspaceTakesAHostSlotAndAQuotaUnit() {
    beat(HOST, 2, T0);
    var workspace = workspace(WorkspaceState.PENDING);

    store.insertReserving(workspace, null, 5);

    assertThat(store.get(USER, workspace.workspaceId(), true)).contains(workspace);
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(1);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void aWorkspaceIdWrittenAlreadyFailsTheInsertAndTakesNothing() {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.PENDING);
    store.insertReserving(workspace, null, 5);

    assertThatThrownBy(() -> store.insertReserving(workspace, null, 5))
        .isInstanceOf(TransactionCanceledException.class);
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(1);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void theLastSlotOfAHostIsTakenAndThenTheHostIsRefused() {
    beat(HOST, 1, T0);
    store.insertReserving(workspace(WorkspaceState.PENDING), null, 5);

    assertThatThrownBy(() -> store.insertReserving(workspace(WorkspaceState.PENDING), null, 5))
        .isInstanceOf(WorkspaceStore.HostUnavailableForReservation.class);
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(1);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void aHostThatIsNotActiveIsRefusedEvenWithFreeSlots() {
    beat(HOST, 5, T0);
    hosts.setStatus(HOST, HostStatus.ACTIVE, HostStatus.DRAINING);

    assertThatThrownBy(() -> store.insertReserving(workspace(WorkspaceState.PENDING), null, 5))
        .isInstanceOf(WorkspaceStore.HostUnavailableForReservation.class);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isZero();
  }

  @Test
  void theLastUnitOfAUsersQuotaIsTakenAndThenTheUserIsRefused() {
    beat(HOST, 10, T0);
    store.insertReserving(workspace(WorkspaceState.PENDING), null, 2);
    store.insertReserving(workspace(WorkspaceState.PENDING), null, 2);

    var third = workspace(WorkspaceState.PENDING);
    assertThatThrownBy(() -> store.insertReserving(third, null, 2))
        .isInstanceOf(WorkspaceStore.QuotaReached.class);
    assertThat(store.get(USER, third.workspaceId(), true)).isEmpty();
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(2);
  }

  @Test
  void aQuotaOfZeroRefusesWithoutWriting() {
    beat(HOST, 10, T0);

    assertThatThrownBy(() -> store.insertReserving(workspace(WorkspaceState.PENDING), null, 0))
        .isInstanceOf(WorkspaceStore.QuotaReached.class);
    assertThat(host(HOST).assignedWorkspaces()).isZero();
  }

  @Test
  void theQuotaIsPerUser() {
    beat(HOST, 10, T0);
    store.insertReserving(workspace(WorkspaceState.PENDING), null, 1);

    store.insertReserving(workspace("bob", WorkspaceState.PENDING), null, 1);

    assertThat(usage.current("bob", UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void anIdempotencyKeyIsRecordedWithTheWorkspaceItMade() {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.PENDING);
    var record =
        new IdempotencyRecord(IdempotencyRecord.key(USER, "k1"), "hash-a", workspace.workspaceId());

    store.insertReserving(workspace, record, 5);

    assertThat(store.idempotency(record.key())).contains(record);
    var item =
        dynamo
            .client()
            .getItem(
                b ->
                    b.tableName(dynamo.table(A4cTables.IDEMPOTENCY))
                        .key(A4cTables.IDEMPOTENCY.key(record.key())))
            .item();
    assertThat(item.get("expiresAt").n())
        .isEqualTo(Long.toString(T0.plus(Duration.ofHours(24)).getEpochSecond()));
  }

  @Test
  void aKeyUsedAlreadyIsRefusedAndNothingOfTheSecondRequestIsWritten() {
    beat(HOST, 10, T0);
    var first = workspace(WorkspaceState.PENDING);
    var key = IdempotencyRecord.key(USER, "k1");
    store.insertReserving(first, new IdempotencyRecord(key, "hash-a", first.workspaceId()), 5);

    var second = workspace(WorkspaceState.PENDING);
    assertThatThrownBy(
            () ->
                store.insertReserving(
                    second, new IdempotencyRecord(key, "hash-b", second.workspaceId()), 5))
        .isInstanceOf(WorkspaceStore.IdempotencyKeyTaken.class);

    assertThat(store.get(USER, second.workspaceId(), true)).isEmpty();
    assertThat(store.idempotency(key).orElseThrow().workspaceId()).isEqualTo(first.workspaceId());
    assertThat(store.idempotency(key).orElseThrow().requestHash()).isEqualTo("hash-a");
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(1);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void aTakenKeyWinsOverAFullHostAndAReachedQuota() {
    beat(HOST, 1, T0);
    var first = workspace(WorkspaceState.PENDING);
    var key = IdempotencyRecord.key(USER, "k1");
    store.insertReserving(first, new IdempotencyRecord(key, "hash-a", first.workspaceId()), 1);

    var retry = workspace(WorkspaceState.PENDING);
    assertThatThrownBy(
            () ->
                store.insertReserving(
                    retry, new IdempotencyRecord(key, "hash-a", retry.workspaceId()), 1))
        .isInstanceOf(WorkspaceStore.IdempotencyKeyTaken.class);
  }

  @Test
  void aForgottenKeyCanBeUsedAgain() {
    beat(HOST, 10, T0);
    var key = IdempotencyRecord.key(USER, "k1");
    var first = workspace(WorkspaceState.PENDING);
    store.insertReserving(first, new IdempotencyRecord(key, "hash-a", first.workspaceId()), 5);

    store.forgetIdempotency(key);

    assertThat(store.idempotency(key)).isEmpty();
    var second = workspace(WorkspaceState.PENDING);
    store.insertReserving(second, new IdempotencyRecord(key, "hash-b", second.workspaceId()), 5);
    assertThat(store.idempotency(key).orElseThrow().workspaceId()).isEqualTo(second.workspaceId());
  }

  @Test
  void keysArePerUser() {
    assertThat(IdempotencyRecord.key("alice", "k")).isNotEqualTo(IdempotencyRecord.key("bob", "k"));
  }

  @Test
  void aReplaceAtTheVersionReadSucceedsAndAStaleOneChangesNothing() {
    beat(HOST, 10, T0);
    var pending = workspace(WorkspaceState.PENDING);
    store.insertReserving(pending, null, 5);
    var creating =
        pending.moved(WorkspaceState.CREATING, WorkspaceStep.ACCEPTED, null, T0.plusSeconds(1));

    assertThat(store.replace(pending, creating)).isTrue();
    var failed = pending.moved(WorkspaceState.FAILED, null, "late", T0.plusSeconds(2));
    assertThat(store.replace(pending, failed)).isFalse();

    assertThat(store.get(USER, pending.workspaceId(), true)).contains(creating);
  }

  @ParameterizedTest
  @EnumSource(WorkspaceState.class)
  void onlyWorkInProgressIsInTheInFlightIndex(WorkspaceState state) {
    beat(HOST, 10, T0);
    var workspace = workspace(state);
    store.insertReserving(workspace, null, 5);

    var inFlight = store.inFlightSince(T0.plusSeconds(1));

    boolean expected =
        switch (state) {
          case PENDING, CREATING, DELETING, STOPPING, STARTING, REBUILDING -> true;
          case RUNNING, FAILED, DELETED, STOPPED -> false;
        };
    assertThat(
            inFlight.stream()
                .map(Workspace::workspaceId)
                .toList()
                .contains(workspace.workspaceId()))
        .isEqualTo(expected);
  }

  @Test
  void theInFlightIndexHoldsOnlyWorkspacesNotUpdatedSinceTheInstant() {
    beat(HOST, 10, T0);
    var old = workspace(WorkspaceState.CREATING);
    store.insertReserving(old, null, 5);
    var recent = workspace(USER, WorkspaceState.CREATING, HOST, T0.plusNanos(1000));
    store.insertReserving(recent, null, 5);

    assertThat(store.inFlightSince(T0.plusNanos(1000)))
        .extracting(Workspace::workspaceId)
        .containsExactly(old.workspaceId());
  }

  @Test
  void workspacesWrittenWithTheOldPrecisionAreRead() {
    var workspace = workspace(WorkspaceState.RUNNING);
    Map<String, AttributeValue> item = new java.util.HashMap<>(WorkspaceStore.toItem(workspace));
    item.put("createdAt", AttributeValue.fromS("2026-03-01T10:00:00.123Z"));
    dynamo.client().putItem(b -> b.tableName(dynamo.table(A4cTables.WORKSPACES)).item(item));

    assertThat(store.get(USER, workspace.workspaceId(), true).orElseThrow().createdAt())
        .isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
  }

  @Test
  void theHostIndexListsAHostsWorkspaces() {
    beat(HOST, 10, T0);
    beat("h2", 10, T0);
    var here = workspace(WorkspaceState.RUNNING);
    store.insertReserving(here, null, 5);
    store.insertReserving(workspace(USER, WorkspaceState.RUNNING, "h2", T0), null, 5);

    assertThat(store.onHost(HOST))
        .extracting(Workspace::workspaceId)
        .containsExactly(here.workspaceId());
  }

  @Test
  void listingPagesThroughAUsersWorkspaces() {
    beat(HOST, 10, T0);
    var a = workspace(WorkspaceState.RUNNING);
    var b = workspace(WorkspaceState.RUNNING);
    var c = workspace(WorkspaceState.RUNNING);
    for (var w : List.of(a, b, c)) {
      store.insertReserving(w, null, 5);
    }

    var first = store.list(USER, 2, null);
    var second = store.list(USER, 2, first.lastWorkspaceId());

    assertThat(first.items())
        .extracting(Workspace::workspaceId)
        .containsExactly(a.workspaceId(), b.workspaceId());
    assertThat(second.items()).extracting(Workspace::workspaceId).containsExactly(c.workspaceId());
    assertThat(second.lastWorkspaceId()).isNull();
  }

  @Test
  void removalDeletesTheRecordAndGivesBackTheSlotAndTheQuotaUnit() {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.DELETING);
    store.insertReserving(workspace, null, 5);

    assertThat(store.removeReleasing(workspace)).isTrue();

    assertThat(store.get(USER, workspace.workspaceId(), true)).isEmpty();
    assertThat(host(HOST).assignedWorkspaces()).isZero();
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isZero();
  }

  @Test
  void aRemovalOfAStaleReadChangesNothing() {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.RUNNING);
    store.insertReserving(workspace, null, 5);
    store.replace(
        workspace, workspace.moved(WorkspaceState.DELETING, null, null, T0.plusSeconds(1)));

    assertThat(store.removeReleasing(workspace)).isFalse();

    assertThat(store.get(USER, workspace.workspaceId(), true)).isPresent();
    assertThat(host(HOST).assignedWorkspaces()).isEqualTo(1);
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isEqualTo(1);
  }

  @Test
  void aRemovalOfAWorkspaceThatIsGoneChangesNothing() {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.DELETING);
    store.insertReserving(workspace, null, 5);
    store.removeReleasing(workspace);

    assertThat(store.removeReleasing(workspace)).isFalse();
    assertThat(host(HOST).assignedWorkspaces()).isZero();
  }

  /** Counters reset by hand, or records older than the counter. */
  enum AtZero {
    HOST_SLOTS,
    QUOTA,
    BOTH
  }

  @ParameterizedTest
  @EnumSource(AtZero.class)
  void aCounterAlreadyAtZeroDoesNotBlockTheRemovalAndTheOtherIsStillGivenBack(AtZero atZero) {
    beat(HOST, 10, T0);
    var workspace = workspace(WorkspaceState.DELETING);
    store.insertReserving(workspace, null, 5);
    if (atZero != AtZero.QUOTA) {
      setNumber(A4cTables.HOSTS, A4cTables.HOSTS.key(HOST), "assignedWorkspaces", 0);
    }
    if (atZero != AtZero.HOST_SLOTS) {
      setNumber(A4cTables.USAGE, A4cTables.USAGE.key(USER), "workspaces", 0);
    }

    assertThat(store.removeReleasing(workspace)).isTrue();

    assertThat(store.get(USER, workspace.workspaceId(), true)).isEmpty();
    assertThat(host(HOST).assignedWorkspaces()).isZero();
    assertThat(usage.current(USER, UsageCounters.Counter.WORKSPACES)).isZero();
  }

  private void setNumber(
      io.a4c.functions.dynamo.TableSpec table,
      Map<String, AttributeValue> key,
      String attribute,
      long value) {
    dynamo
        .client()
        .updateItem(
            b ->
                b.tableName(dynamo.table(table))
                    .key(key)
                    .updateExpression("SET #a = :v")
                    .expressionAttributeNames(Map.of("#a", attribute))
                    .expressionAttributeValues(
                        Map.of(":v", AttributeValue.fromN(Long.toString(value)))));
  }

  private void beat(String hostId, int capacity, Instant at) {
    hosts.applyHeartbeat(Heartbeat.of(hostId, Arch.AMD64, 10, 100, List.of(), capacity, 0, at), at);
  }

  private Host host(String hostId) {
    return hosts.all().stream().filter(h -> h.hostId().equals(hostId)).findFirst().orElseThrow();
  }

  private Workspace workspace(WorkspaceState state) {
    return workspace(USER, state);
  }

  private Workspace workspace(String userId, WorkspaceState state) {
    return workspace(userId, state, HOST, T0);
  }

  /** A workspace of {@code userId} in {@code state} on {@code hostId}, last written {@code at}. */
  private Workspace workspace(String userId, WorkspaceState state, String hostId, Instant at) {
    String id = String.format("ws-%026d", ++nextId);
    var image =
        new Image(
            "proj", "main", Arch.AMD64, null, 0, "10.250.0.1:5000/proj:abc", Image.COMPLETED, at);
    var pending =
        Workspace.pending(userId, id, "name-" + nextId, image, hostId, id + ".ws.example", at);
    return state == WorkspaceState.PENDING ? pending : pending.moved(state, null, null, at);
  }
}
