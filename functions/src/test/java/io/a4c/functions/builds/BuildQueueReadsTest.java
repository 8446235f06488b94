package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin's build queue against Dynoxide: SCHEDULED and IN_PROGRESS builds counted per arch and
 * kind, ended ones left out, and each arch's longest-waiting build with why it waits.
 */
class BuildQueueReadsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private BuildScheduleStore store;
  private BuildQueueReads reads;
  private int nextId;

  @BeforeEach
  void reads() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    var builders = new BuilderStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    var config = FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal());
    var clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    reads = new BuildQueueReads(store, new BuildWaits(store, builders, clock, config));
  }

  @Test
  void anEmptyQueueListsEveryArchWithNothingWaiting() {
    var queue = reads.queue();

    assertThat(queue.arches())
        .extracting(BuildQueueView.ArchQueue::arch)
        .containsExactly(Arch.values());
    for (var arch : queue.arches()) {
      assertThat(arch.waiting()).isEqualTo(new BuildQueueView.KindCounts(0, 0));
      assertThat(arch.running()).isEqualTo(new BuildQueueView.KindCounts(0, 0));
      assertThat(arch.oldestWaiting()).isNull();
    }
  }

  @Test
  void buildsAreCountedPerArchAndKindWithTheLongestWaitingOneExplained() {
    String recurring = put(BuildKind.RECURRING, BuildStatus.SCHEDULED, Arch.AMD64, 0);
    put(BuildKind.USER, BuildStatus.SCHEDULED, Arch.AMD64, 2);
    put(BuildKind.USER, BuildStatus.SCHEDULED, Arch.AMD64, 1);
    put(BuildKind.USER, BuildStatus.IN_PROGRESS, Arch.AMD64, 0);
    put(BuildKind.RECURRING, BuildStatus.IN_PROGRESS, Arch.AMD64, 0);
    put(BuildKind.USER, BuildStatus.COMPLETED, Arch.AMD64, 0);
    put(BuildKind.USER, BuildStatus.FAILED, Arch.ARM64, 0);
    put(BuildKind.USER, BuildStatus.CANCELLED, Arch.AMD64, 0);
    String arm = put(BuildKind.USER, BuildStatus.SCHEDULED, Arch.ARM64, 5);

    var queue = reads.queue();

    var amd64 = queue.arches().get(0);
    assertThat(amd64.arch()).isEqualTo(Arch.AMD64);
    assertThat(amd64.waiting()).isEqualTo(new BuildQueueView.KindCounts(2, 1));
    assertThat(amd64.running()).isEqualTo(new BuildQueueView.KindCounts(1, 1));
    assertThat(amd64.oldestWaiting().scheduleId()).isEqualTo(recurring);
    assertThat(amd64.oldestWaiting().userId()).isEqualTo(RecurringBuilds.OWNER);
    assertThat(amd64.oldestWaiting().kind()).isEqualTo(BuildKind.RECURRING);
    assertThat(amd64.oldestWaiting().scheduledAt()).isEqualTo(T0);
    // Scheduled first, but the two user builds of amd64 go ahead of it.
    assertThat(amd64.oldestWaiting().waiting().position()).isEqualTo(3);
    assertThat(amd64.oldestWaiting().waiting().code()).isEqualTo("behind-user-builds");

    var arm64 = queue.arches().get(1);
    assertThat(arm64.arch()).isEqualTo(Arch.ARM64);
    assertThat(arm64.waiting()).isEqualTo(new BuildQueueView.KindCounts(1, 0));
    assertThat(arm64.running()).isEqualTo(new BuildQueueView.KindCounts(0, 0));
    assertThat(arm64.oldestWaiting().scheduleId()).isEqualTo(arm);
    assertThat(arm64.oldestWaiting().waiting())
        .isEqualTo(
            new Waiting(
                1,
                "no-builder-for-arch",
                "no builder of arch arm64 has reported; it waits until one does"));
  }

  /** Stores a build of {@code kind} in {@code status}, scheduled {@code seconds} after T0. */
  private String put(BuildKind kind, BuildStatus status, Arch arch, int seconds) {
    String id = String.format("bs-%026d", ++nextId);
    boolean claimed = status != BuildStatus.SCHEDULED && status != BuildStatus.CANCELLED;
    Instant at = T0.plusSeconds(seconds);
    assertThat(
            store.insert(
                new BuildSchedule(
                    kind == BuildKind.RECURRING ? RecurringBuilds.OWNER : "alice",
                    id,
                    null,
                    "proj",
                    "main",
                    arch,
                    null,
                    kind,
                    status,
                    claimed ? 1 : 0,
                    claimed ? 1 : 0,
                    claimed ? "h1/1" : null,
                    claimed ? "h1" : null,
                    null,
                    null,
                    null,
                    null,
                    false,
                    "{}",
                    at,
                    claimed ? at : null,
                    status.isFinal() ? at : null,
                    at,
                    null)))
        .isTrue();
    return id;
  }
}
