package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hosts table against Dynoxide: heartbeats, status moves and the slot counter. */
class HostStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private HostStore hosts;
  private HostSlots slots;

  @BeforeEach
  void stores() {
    hosts = new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    slots = new HostSlots(dynamo.table(A4cTables.HOSTS));
  }

  @Test
  void aFirstHeartbeatMakesAnActiveHostWithNoSlotsTaken() {
    assertThat(hosts.applyHeartbeat(beat("h1", 3, 7, T0), T0)).isTrue();

    assertThat(hosts.all())
        .containsExactly(
            new Host(
                "h1",
                Arch.AMD64,
                HostStatus.ACTIVE,
                10,
                100,
                List.of(),
                3,
                7,
                0,
                0,
                T0,
                List.of()));
  }

  @Test
  void eachHeartbeatReplacesTheWorkspacesInHand() {
    String creating = "ws-01jd0000000000000000000001";
    String filling = "ws-01jd0000000000000000000002";
    hosts.applyHeartbeat(beat("h1", 3, 0, T0).withWorkingOn(List.of(creating, filling)), T0);
    assertThat(only().workingOn()).containsExactly(creating, filling);

    hosts.applyHeartbeat(
        beat("h1", 3, 0, T0.plusSeconds(10)).withWorkingOn(List.of(filling)), T0.plusSeconds(10));
    assertThat(only().workingOn()).containsExactly(filling);

    hosts.applyHeartbeat(beat("h1", 3, 0, T0.plusSeconds(20)), T0.plusSeconds(20));
    assertThat(only().workingOn()).as("an idle host's beat").isEmpty();
  }

  @Test
  void anOlderOrRepeatedHeartbeatIsDropped() {
    hosts.applyHeartbeat(beat("h1", 3, 1, T0.plusSeconds(10)), T0.plusSeconds(10));

    // Sent before the stored one, delivered after it: the host's clock orders, not the receipt.
    assertThat(hosts.applyHeartbeat(beat("h1", 9, 2, T0), T0.plusSeconds(20))).isFalse();
    assertThat(hosts.applyHeartbeat(beat("h1", 9, 2, T0.plusSeconds(10)), T0.plusSeconds(10)))
        .isFalse();
    assertThat(only().capacity()).isEqualTo(3);
  }

  @Test
  void aHeartbeatIsStampedWithWhenItWasAppliedNotWithTheHostsClock() {
    hosts.applyHeartbeat(beat("h1", 3, 0, T0.minusSeconds(45)), T0);

    assertThat(only().lastHeartbeatAt()).isEqualTo(T0);
    // The next beat of the same host, its clock still behind, is newer by that clock.
    assertThat(hosts.applyHeartbeat(beat("h1", 3, 0, T0.minusSeconds(35)), T0.plusSeconds(10)))
        .isTrue();
    assertThat(only().lastHeartbeatAt()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void aHeartbeatLeavesTheStatusAndTheSlotCounterAlone() {
    hosts.applyHeartbeat(beat("h1", 3, 0, T0), T0);
    hosts.setStatus("h1", HostStatus.ACTIVE, HostStatus.DRAINING);
    reserve("h1");
    hosts.setStatus("h1", HostStatus.DRAINING, HostStatus.ACTIVE);
    reserve("h1");
    hosts.setStatus("h1", HostStatus.ACTIVE, HostStatus.DRAINING);

    hosts.applyHeartbeat(beat("h1", 3, 0, T0.plusSeconds(1)), T0.plusSeconds(1));

    assertThat(only().status()).isEqualTo(HostStatus.DRAINING);
    assertThat(only().assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void aStatusMovesOnlyFromTheStatusTheCallerSaw() {
    hosts.applyHeartbeat(beat("h1", 3, 0, T0), T0);

    assertThat(hosts.setStatus("h1", HostStatus.DRAINING, HostStatus.ACTIVE)).isFalse();
    assertThat(hosts.setStatus("h1", HostStatus.ACTIVE, HostStatus.DRAINING)).isTrue();
    assertThat(only().status()).isEqualTo(HostStatus.DRAINING);
  }

  @Test
  void aMissingHostHasNoStatusToMove() {
    assertThat(hosts.setStatus("nope", HostStatus.ACTIVE, HostStatus.DRAINING)).isFalse();
  }

  @Test
  void aHostIsMarkedDownOnlyWhileItsLastHeartbeatIsTheOneJudgedTooOld() {
    hosts.applyHeartbeat(beat("h1", 3, 0, T0), T0);
    Host judged = only();
    hosts.applyHeartbeat(beat("h1", 3, 0, T0.plusSeconds(5)), T0.plusSeconds(5));

    assertThat(hosts.markDown(judged)).isFalse();
    assertThat(hosts.markDown(only())).isTrue();
    assertThat(only().status()).isEqualTo(HostStatus.DOWN);
    assertThat(hosts.markDown(only())).isFalse();
  }

  @Test
  void aDownHostThatBeatsAgainIsActive() {
    hosts.applyHeartbeat(beat("h1", 3, 0, T0), T0);
    hosts.markDown(only());

    hosts.applyHeartbeat(beat("h1", 3, 0, T0.plusSeconds(1)), T0.plusSeconds(1));

    assertThat(only().status()).isEqualTo(HostStatus.ACTIVE);
  }

  @Test
  void slotsAreTakenUpToTheCapacityAndGivenBackDownToZero() {
    hosts.applyHeartbeat(beat("h1", 2, 0, T0), T0);

    assertThat(reserve("h1")).isTrue();
    assertThat(reserve("h1")).isTrue();
    assertThat(reserve("h1")).isFalse();
    assertThat(release("h1")).isTrue();
    assertThat(release("h1")).isTrue();
    assertThat(release("h1")).isFalse();
    assertThat(only().assignedWorkspaces()).isZero();
  }

  @Test
  void newPlacementsCountUntilTheNextHeartbeatButARestartOfAnOwnWorkspaceDoesNot() {
    hosts.applyHeartbeat(beat("h1", 5, 0, T0), T0);

    reserve("h1");
    reserve("h1");
    assertThat(commit(Transaction.of(dynamo.client()).add("slot", slots.reserveOwn("h1"))))
        .isTrue();
    assertThat(only().placedSinceHeartbeat()).isEqualTo(2);
    assertThat(only().assignedWorkspaces()).isEqualTo(3);

    hosts.applyHeartbeat(beat("h1", 5, 3, T0.plusSeconds(1)), T0.plusSeconds(1));
    assertThat(only().placedSinceHeartbeat()).isZero();
    assertThat(only().assignedWorkspaces()).isEqualTo(3);
    reserve("h1");
    assertThat(only().placedSinceHeartbeat()).isEqualTo(1);
  }

  private boolean reserve(String hostId) {
    return commit(Transaction.of(dynamo.client()).add("slot", slots.reserve(hostId)));
  }

  private boolean release(String hostId) {
    return commit(Transaction.of(dynamo.client()).add("slot", slots.release(hostId)));
  }

  private static boolean commit(Transaction tx) {
    try {
      tx.commit();
      return true;
    } catch (software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException e) {
      assertThat(tx.failure(e).failed("slot")).isTrue();
      return false;
    }
  }

  private Host only() {
    assertThat(hosts.all()).hasSize(1);
    return hosts.all().getFirst();
  }

  private static Heartbeat beat(String hostId, int capacity, int running, Instant at) {
    return Heartbeat.of(hostId, Arch.AMD64, 10, 100, List.of("img:1"), capacity, running, at);
  }
}
