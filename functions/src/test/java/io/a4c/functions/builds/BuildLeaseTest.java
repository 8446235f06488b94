package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.BuilderStatus;
import io.a4c.events.Heartbeat;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The build-claim decision against Dynoxide: the store assigns the attempt whatever number a claim
 * carries, so no claim takes over a build whose holder's own builder still reports running it; a
 * holder that gave the build up or fell silent is taken over with the next attempt, which fences
 * its reports out.
 */
class BuildLeaseTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration STALE = Duration.ofSeconds(30);
  private static final String ID = "bs-" + "0".repeat(25) + "1";

  private final TestClock clock = new TestClock(T0);
  private BuildScheduleStore store;
  private BuilderStore builders;
  private BuildLease lease;

  @BeforeEach
  void stores() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    builders = new BuilderStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    lease = new BuildLease(store, builders, clock, STALE);
    store.insertCounted(scheduled(), 3);
  }

  @Test
  void theStoreAssignsTheAttemptWhateverNumberTheClaimCarries() {
    var answer = lease.claim(claim("h1", 0, 1000));

    assertThat(answer.granted()).isTrue();
    assertThat(answer.attempt()).isEqualTo(1);
    assertThat(stored().attempt()).isEqualTo(1);
  }

  @Test
  void aClaimWithAnInflatedAttemptCannotTakeOverABuildItsHoldersBuilderStillRuns() {
    builderReports("h1");
    assertThat(lease.claim(claim("h1", 0, 1)).granted()).isTrue();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(20));
      builderReports("h1", ID);
    }

    var answer = lease.claim(claim("h2", 0, 1000));

    assertThat(answer.granted()).isFalse();
    assertThat(answer.reason()).isEqualTo("held by h1/0 (attempt 1)");
    assertThat(stored().workerId()).isEqualTo("h1/0");
    assertThat(stored().attempt()).isEqualTo(1);
  }

  @Test
  void theHoldersOwnWorkerAskingAgainStartsOverWithTheNextAttempt() {
    assertThat(lease.claim(claim("h1", 0, 1)).attempt()).isEqualTo(1);

    var again = lease.claim(claim("h1", 0, 2));

    assertThat(again.granted()).isTrue();
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(stored().attempts()).isEqualTo(2);
  }

  @Test
  void aBuildItsHolderGaveUpIsTakenOverWithTheNextAttemptOnceItsBuilderSaysSo() {
    builderReports("h1");
    lease.claim(claim("h1", 0, 1));
    clock.advance(Duration.ofSeconds(10));
    builderReports("h1"); // too soon after the claim to count: it may predate it
    assertThat(lease.claim(claim("h2", 1, 2)).granted()).isFalse();

    clock.advance(Duration.ofSeconds(30));
    builderReports("h1");
    var answer = lease.claim(claim("h2", 1, 2));

    assertThat(answer.granted()).isTrue();
    assertThat(answer.attempt()).isEqualTo(2);
    assertThat(stored().workerId()).isEqualTo("h2/1");
    assertThat(lease.claim(claim("h1", 0, 3)).granted())
        .as("the old holder cannot take it back")
        .isFalse();
  }

  @Test
  void aBuildWhoseHoldersBuilderFellSilentIsTakenOver() {
    builderReports("h1");
    lease.claim(claim("h1", 0, 1));
    clock.advance(Duration.ofSeconds(20));
    assertThat(lease.claim(claim("h2", 0, 2)).granted()).isFalse();

    clock.advance(Duration.ofSeconds(20)); // 40 s silent
    var answer = lease.claim(claim("h2", 0, 2));

    assertThat(answer.granted()).isTrue();
    assertThat(answer.attempt()).isEqualTo(2);
  }

  @Test
  void anEndedBuildIsClaimedByNobody() {
    lease.claim(claim("h1", 0, 1));
    store.failUnfinished("alice", ID, "dead letter", T0);

    var answer = lease.claim(claim("h2", 0, 1000));

    assertThat(answer.granted()).isFalse();
    assertThat(answer.status()).isEqualTo(BuildStatus.FAILED);
  }

  private void builderReports(String hostId, String... builds) {
    new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS))
        .applyHeartbeat(
            Heartbeat.of(hostId, Arch.AMD64, 0, 2, List.of(), 5, 0, clock.instant()),
            clock.instant());
    assertThat(
            builders.record(
                BuilderStatus.of(hostId, Arch.AMD64, 2, List.of(builds), true, clock.instant()),
                clock.instant()))
        .isTrue();
  }

  private static BuildClaim claim(String hostId, int slot, int receiveCount) {
    return BuildClaim.of(ID, "alice", hostId, hostId + "/" + slot, receiveCount);
  }

  private BuildSchedule stored() {
    return store.get("alice", ID, true).orElseThrow();
  }

  private BuildSchedule scheduled() {
    return new BuildSchedule(
        "alice",
        ID,
        null,
        "proj",
        "main",
        Arch.AMD64,
        null,
        BuildKind.USER,
        BuildStatus.SCHEDULED,
        0,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        true,
        "{}",
        T0,
        null,
        null,
        T0,
        null);
  }
}
