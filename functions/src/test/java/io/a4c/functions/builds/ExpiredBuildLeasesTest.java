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
 * IN_PROGRESS builds whose job vanished (the builder died, the report was dead-lettered) against
 * Dynoxide: the lease a claim starts and the builder's status reports renew runs out, and the sweep
 * fails the build with a reason and gives its owner's quota unit back; a renewed lease holds.
 */
class ExpiredBuildLeasesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final TestClock clock = new TestClock(T0);
  private BuildScheduleStore store;
  private BuilderStore builders;
  private ExpiredBuildLeases leases;

  @BeforeEach
  void stores() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    builders = new BuilderStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    leases = new ExpiredBuildLeases(store, builders, new BuildEmails(store, null, clock), clock);
  }

  @Test
  void aBuildWhoseBuilderFellSilentIsFailedOnceItsLeaseRanOutAndItsQuotaIsGivenBack() {
    builderReports("h1");
    var build = claimed("bob", "h1");
    assertThat(store.inFlight("bob")).isEqualTo(1);

    clock.advance(Duration.ofMinutes(4));
    builderReports("h1"); // the builder lives: its report renews the lease
    clock.advance(Duration.ofMinutes(4));
    leases.sweep(GRACE);
    assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);

    clock.advance(Duration.ofMinutes(2)); // silent for 6 minutes now
    leases.sweep(GRACE);

    var after = get(build);
    assertThat(after.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(after.reason())
        .isEqualTo(
            "its builder stopped reporting while building, and no other builder took the build"
                + " over (last: h1/0, attempt 1)");
    assertThat(store.inFlight("bob")).isZero();
  }

  @Test
  void aBuildWhoseJobVanishedWhileItsBuilderLivesOnIsFailedAfterTheLongestBuild() {
    builderReports("h2");
    var build = claimed("carol", "h2");

    for (int hour = 0; hour < 4; hour++) {
      clock.advance(Duration.ofHours(1));
      builderReports("h2");
      leases.sweep(GRACE);
      assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);
    }
    clock.advance(Duration.ofMinutes(1));
    builderReports("h2");
    leases.sweep(GRACE);

    var after = get(build);
    assertThat(after.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(after.reason()).startsWith("the build ran longer than any builder keeps a build");
    assertThat(store.inFlight("carol")).isZero();
  }

  @Test
  void aBuildTakenOverByALaterDeliveryIsLeftToItsNewHolder() {
    var build = claimed("dave", "h3");
    clock.advance(Duration.ofMinutes(10));
    builderReports("h4");
    assertThat(store.claim(BuildClaim.of(build.scheduleId(), "dave", "h4", "h4/0", 2), now()))
        .isTrue();

    leases.sweep(GRACE);

    assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);
    assertThat(get(build).workerId()).isEqualTo("h4/0");
  }

  private Instant now() {
    return clock.instant();
  }

  private void builderReports(String hostId) {
    new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS))
        .applyHeartbeat(Heartbeat.of(hostId, Arch.AMD64, 0, 2, List.of(), 5, 0, now()), now());
    assertThat(builders.record(BuilderStatus.of(hostId, Arch.AMD64, 2, 1, true, now()), now()))
        .isTrue();
  }

  private BuildSchedule claimed(String userId, String hostId) {
    var build =
        new BuildSchedule(
            userId,
            "bs-" + userId + "0".repeat(26 - userId.length()),
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
            now(),
            null,
            null,
            now(),
            null);
    store.insertCounted(build, 3);
    assertThat(
            store.claim(BuildClaim.of(build.scheduleId(), userId, hostId, hostId + "/0", 1), now()))
        .isTrue();
    return build;
  }

  private BuildSchedule get(BuildSchedule build) {
    return store.get(build.userId(), build.scheduleId(), true).orElseThrow();
  }
}
