package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.BuilderStatus;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IN_PROGRESS builds whose lease ran out, against Dynoxide and ElasticMQ: the lease a claim starts
 * and the holder's builder's status reports keep; once it runs out the sweep sends the same job
 * again (back to SCHEDULED, the owner's quota unit still held once) while the build has deliveries
 * left, and fails it with a reason, giving the unit back, when it has none; a late report of the
 * old holder changes nothing.
 */
class ExpiredBuildLeasesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Duration MARGIN = Duration.ofSeconds(30);
  private static final int DELIVERIES = 3;

  private final TestClock clock = new TestClock(T0);
  private BuildScheduleStore store;
  private BuilderStore builders;
  private ExpiredBuildLeases leases;
  private String queue;

  @BeforeEach
  void stores() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    builders = new BuilderStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    queue = sqs.createQueue("builds-amd64");
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.BUILD_QUEUE_URL_AMD64, queue);
    env.put(FunctionsEnv.BUILD_QUEUE_URL_ARM64, sqs.createQueue("builds-arm64"));
    var jobs =
        new BuildJobSender(
            sqs.client(), EventJson.newMapper(), FunctionsConfig.fromEnvironment(env));
    leases =
        new ExpiredBuildLeases(
            store, builders, jobs, new BuildEmails(store, null, clock), clock, DELIVERIES, MARGIN);
  }

  @Test
  void aBuildWhoseBuilderFellSilentIsSentAgainHoldingOneQuotaUnitAndTheOldHoldersReportIsIgnored() {
    builderReports("h1");
    var build = claimed("bob", "h1");
    assertThat(store.inFlight("bob")).isEqualTo(1);

    clock.advance(Duration.ofMinutes(4));
    builderReports("h1", build.scheduleId()); // the builder lives: its report keeps the lease
    clock.advance(Duration.ofMinutes(4));
    assertThat(leases.sweep(GRACE)).isEqualTo(new ExpiredBuildLeases.Outcome(0, 0));
    assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);

    clock.advance(Duration.ofMinutes(2)); // silent for 6 minutes now
    assertThat(leases.sweep(GRACE)).isEqualTo(new ExpiredBuildLeases.Outcome(1, 0));

    var again = get(build);
    assertThat(again.status()).isEqualTo(BuildStatus.SCHEDULED);
    assertThat(again.workerId()).isNull();
    assertThat(store.inFlight("bob")).as("the same build holds one unit").isEqualTo(1);
    assertThat(sqs.receive(queue)).as("the same job, sent again").containsExactly(build.job());
    assertThat(store.end(completed(build, "h1", 1), clock.instant()))
        .as("the old holder's late report")
        .isFalse();
    assertThat(get(build).status()).isEqualTo(BuildStatus.SCHEDULED);

    assertThat(store.claim(again, "h2", "h2/0", clock.instant())).hasValue(2);
    assertThat(store.end(completed(build, "h2", 2), clock.instant())).isTrue();
    assertThat(store.inFlight("bob")).isZero();
  }

  @Test
  void aBuildItsBuilderGaveUpIsSentAgainAtTheFirstSweepAfterTheMargin() {
    var build = claimed("erin", "h1");
    clock.advance(Duration.ofSeconds(10));
    builderReports("h1"); // within the margin: may have been sent before the claim
    assertThat(leases.sweep(GRACE).redriven()).isZero();

    clock.advance(Duration.ofSeconds(30));
    builderReports("h1"); // after it: the builder no longer runs it
    assertThat(leases.sweep(GRACE).redriven()).isEqualTo(1);
    assertThat(get(build).status()).isEqualTo(BuildStatus.SCHEDULED);
  }

  @Test
  void aBuildWithNoDeliveryLeftIsFailedWithTheReasonAndItsQuotaIsGivenBack() {
    var build = claimed("frank", "h1");
    for (int attempt = 2; attempt <= DELIVERIES; attempt++) {
      clock.advance(Duration.ofMinutes(6));
      assertThat(leases.sweep(GRACE).redriven()).isEqualTo(1);
      assertThat(store.claim(get(build), "h1", "h1/0", clock.instant())).hasValue(attempt);
    }
    sqs.receive(queue);
    clock.advance(Duration.ofMinutes(6));

    assertThat(leases.sweep(GRACE)).isEqualTo(new ExpiredBuildLeases.Outcome(0, 1));

    var after = get(build);
    assertThat(after.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(after.reason())
        .isEqualTo(
            "its builder stopped reporting while building (last: h1/0, attempt 3); no delivery"
                + " left (it was handed to builders 3 times)");
    assertThat(store.inFlight("frank")).isZero();
    assertThat(sqs.receive(queue)).as("not sent again").isEmpty();
  }

  @Test
  void aBuildWhoseJobVanishedWhileItsBuilderLivesOnIsSentAgainAfterTheLongestBuild() {
    var build = claimed("carol", "h2");

    for (int hour = 0; hour < 4; hour++) {
      clock.advance(Duration.ofHours(1));
      builderReports("h2", build.scheduleId());
      leases.sweep(GRACE);
      assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);
    }
    clock.advance(Duration.ofMinutes(1));
    builderReports("h2", build.scheduleId());

    assertThat(leases.sweep(GRACE).redriven()).isEqualTo(1);
    assertThat(get(build).status()).isEqualTo(BuildStatus.SCHEDULED);
    assertThat(store.inFlight("carol")).isEqualTo(1);
  }

  @Test
  void aBuildTakenOverByALaterClaimIsLeftToItsNewHolder() {
    var build = claimed("dave", "h3");
    clock.advance(Duration.ofMinutes(10));
    var stale = get(build);
    builderReports("h4");
    assertThat(store.claim(stale, "h4", "h4/0", clock.instant())).hasValue(2);
    clock.advance(Duration.ofSeconds(1));
    builderReports("h4", build.scheduleId());

    assertThat(leases.sweep(GRACE)).isEqualTo(new ExpiredBuildLeases.Outcome(0, 0));

    assertThat(get(build).status()).isEqualTo(BuildStatus.IN_PROGRESS);
    assertThat(get(build).workerId()).isEqualTo("h4/0");
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
            "{\"job\":\"" + userId + "\"}",
            clock.instant(),
            null,
            null,
            clock.instant(),
            null);
    store.insertCounted(build, 3);
    assertThat(store.claim(build, hostId, hostId + "/0", clock.instant())).hasValue(1);
    return build;
  }

  private static BuildEnded completed(BuildSchedule build, String hostId, int attempt) {
    return BuildEnded.of(
        hostId,
        build.scheduleId(),
        build.userId(),
        hostId + "/0",
        attempt,
        BuildStatus.COMPLETED,
        "abc",
        null,
        "reg/proj:abc",
        "sha256:00",
        null,
        "log",
        T0);
  }

  private BuildSchedule get(BuildSchedule build) {
    return store.get(build.userId(), build.scheduleId(), true).orElseThrow();
  }
}
