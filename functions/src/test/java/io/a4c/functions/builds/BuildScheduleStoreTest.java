package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The build schedule store against Dynoxide: every status move the store makes, from every status
 * (allowed exactly when {@link BuildStatus#canMoveTo} says so), the builds-in-flight quota moved in
 * the same transactions, and the claims that fence duplicate deliveries out.
 */
class BuildScheduleStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  private static final String USER = "alice";
  private static final String WORKER = "h1/1";

  private UsageCounters usage;
  private BuildScheduleStore store;
  private int nextId;

  @BeforeEach
  void stores() {
    usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
  }

  /**
   * Every (from, move) pair: the moves the store makes are to IN_PROGRESS, SCHEDULED (a re-drive),
   * COMPLETED, FAILED, CANCELLED.
   */
  static Stream<Arguments> everyMoveFromEveryStatus() {
    return Stream.of(Move.values())
        .flatMap(move -> Stream.of(BuildStatus.values()).map(from -> Arguments.of(from, move)));
  }

  enum Move {
    CLAIM(BuildStatus.IN_PROGRESS),
    REDRIVE(BuildStatus.SCHEDULED),
    COMPLETE(BuildStatus.COMPLETED),
    FAIL(BuildStatus.FAILED),
    FAIL_UNFINISHED(BuildStatus.FAILED),
    CANCEL(BuildStatus.CANCELLED);

    final BuildStatus target;

    Move(BuildStatus target) {
      this.target = target;
    }
  }

  @ParameterizedTest(name = "{1} from {0}")
  @MethodSource("everyMoveFromEveryStatus")
  void aMoveSucceedsExactlyWhenTheStatusAllowsIt(BuildStatus from, Move move) {
    var build = stored(from);

    boolean moved = apply(move, build);

    boolean allowed = from.canMoveTo(move.target);
    if (move == Move.COMPLETE || move == Move.FAIL) {
      // A builder's end report needs the claim it holds: only IN_PROGRESS has one.
      allowed &= from == BuildStatus.IN_PROGRESS;
    }
    assertThat(moved).isEqualTo(allowed);
    assertThat(get(build).status()).isEqualTo(allowed ? move.target : from);
  }

  @ParameterizedTest
  @EnumSource(
      value = BuildStatus.class,
      names = {"COMPLETED", "FAILED", "CANCELLED"})
  void aMoveThatEndsABuildGivesItsQuotaUnitBack(BuildStatus end) {
    var build = counted(3);
    if (end != BuildStatus.CANCELLED) {
      claim(build);
    }

    boolean moved =
        switch (end) {
          case COMPLETED -> store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0);
          case FAILED -> store.end(ended(build, 1, WORKER, BuildStatus.FAILED), T0);
          default -> store.cancel(USER, build.scheduleId(), T0);
        };

    assertThat(moved).isTrue();
    assertThat(store.inFlight(USER)).isZero();
  }

  @Test
  void aRefusedMoveKeepsTheQuotaUnit() {
    var build = counted(3);

    assertThat(store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0)).isFalse();
    assertThat(store.inFlight(USER)).isEqualTo(1);
  }

  @Test
  void theLastUnitOfTheBuildQuotaIsTakenAndThenTheUserIsRefused() {
    counted(2);
    counted(2);

    var third = schedule(USER, BuildStatus.SCHEDULED);
    assertThatThrownBy(() -> store.insertCounted(third, 2))
        .isInstanceOf(BuildScheduleStore.QuotaReached.class);
    assertThat(store.get(USER, third.scheduleId(), true)).isEmpty();
    assertThat(store.inFlight(USER)).isEqualTo(2);
  }

  @Test
  void aScheduleIdUsedAlreadyFailsTheInsertWithoutTakingQuota() {
    var build = counted(3);

    assertThatThrownBy(() -> store.insertCounted(build, 3))
        .isInstanceOf(TransactionCanceledException.class);
    assertThat(store.inFlight(USER)).isEqualTo(1);
  }

  @Test
  void aQuotaCounterAtZeroDoesNotBlockTheEndOfABuild() {
    var build = counted(3);
    dynamo
        .client()
        .updateItem(
            b ->
                b.tableName(dynamo.table(A4cTables.USAGE))
                    .key(A4cTables.USAGE.key(USER))
                    .updateExpression("SET buildsInFlight = :zero")
                    .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"))));

    assertThat(store.cancel(USER, build.scheduleId(), T0)).isTrue();

    assertThat(get(build).status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(store.inFlight(USER)).isZero();
  }

  @Test
  void recurringBuildsAreNotCounted() {
    var build = schedule(RecurringBuilds.OWNER, BuildStatus.SCHEDULED);
    assertThat(store.insert(build)).isTrue();
    assertThat(store.insert(build)).as("the same firing seen twice").isFalse();

    assertThat(claim(build)).hasValue(1);
    assertThat(store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0)).isTrue();
    assertThat(store.inFlight(RecurringBuilds.OWNER)).isZero();
  }

  @Test
  void anUnsentBuildIsRemovedWithItsQuotaUnitOnlyWhileScheduled() {
    var unsent = counted(3);
    var taken = counted(3);
    claim(taken);

    assertThat(store.deleteUnsent(USER, unsent.scheduleId())).isTrue();
    assertThat(store.deleteUnsent(USER, taken.scheduleId())).isFalse();

    assertThat(store.get(USER, unsent.scheduleId(), true)).isEmpty();
    assertThat(store.inFlight(USER)).isEqualTo(1);
  }

  @Test
  void theStoreAssignsEachClaimTheNextAttemptAndTakesOverOnlyTheHolderTheCallerRead() {
    var build = counted(3);
    var scheduled = get(build);
    assertThat(store.claim(scheduled, "h1", WORKER, T0)).hasValue(1);

    assertThat(store.claim(scheduled, "h2", "h2/0", T0))
        .as("a second claim of the SCHEDULED build it read")
        .isEmpty();
    var held = get(build);
    assertThat(store.claim(held, "h2", "h2/0", T0)).as("a takeover of the holder read").hasValue(2);
    assertThat(store.claim(held, "h3", "h3/0", T0))
        .as("a takeover of a holder that is gone already")
        .isEmpty();

    var stored = get(build);
    assertThat(stored.attempt()).isEqualTo(2);
    assertThat(stored.attempts()).isEqualTo(2);
    assertThat(stored.workerId()).isEqualTo("h2/0");
    assertThat(stored.hostId()).isEqualTo("h2");
  }

  @Test
  void aRedriveSchedulesTheBuildAgainKeepingItsQuotaUnitAndFencesTheOldHolderOut() {
    var build = counted(3);
    claim(build);
    var held = get(build);

    assertThat(store.redrive(held, T0.plusSeconds(60))).isTrue();
    assertThat(store.redrive(held, T0.plusSeconds(61))).as("the same re-drive twice").isFalse();

    var again = get(build);
    assertThat(again.status()).isEqualTo(BuildStatus.SCHEDULED);
    assertThat(again.workerId()).isNull();
    assertThat(again.queued()).isTrue();
    assertThat(again.lastSentAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.inFlight(USER)).as("one build, one unit").isEqualTo(1);
    assertThat(store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0))
        .as("the old holder's late report")
        .isFalse();

    assertThat(store.claim(again, "h2", "h2/0", T0)).hasValue(2);
    assertThat(store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0)).isFalse();
    assertThat(store.end(ended(build, 2, "h2/0", BuildStatus.COMPLETED), T0)).isTrue();
    assertThat(store.inFlight(USER)).isZero();
  }

  @Test
  void onlyTheHolderOfTheCurrentAttemptEndsABuild() {
    var build = counted(3);
    claim(build);
    claim(build); // taken over by a later claim of the same worker: attempt 2

    assertThat(store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), T0)).isFalse();
    assertThat(store.end(ended(build, 2, "h2/1", BuildStatus.COMPLETED), T0)).isFalse();
    assertThat(store.end(ended(build, 2, WORKER, BuildStatus.COMPLETED), T0)).isTrue();
    assertThat(store.end(ended(build, 2, WORKER, BuildStatus.FAILED), T0))
        .as("a duplicate report")
        .isFalse();
    assertThat(get(build).status()).isEqualTo(BuildStatus.COMPLETED);
    assertThat(store.inFlight(USER)).isZero();
  }

  @Test
  void anEndReportRecordsWhatTheBuilderMade() {
    var build = counted(3);
    claim(build);
    Instant end = T0.plusSeconds(60);

    store.end(ended(build, 1, WORKER, BuildStatus.COMPLETED), end);

    var stored = get(build);
    assertThat(stored.imageRef()).isEqualTo("reg/proj:abc");
    assertThat(stored.digest()).isEqualTo("sha256:00");
    assertThat(stored.change()).isEqualTo("abc");
    assertThat(stored.endedAt()).isEqualTo(end);
    assertThat(stored.updatedAt()).isEqualTo(end);
  }

  @Test
  void aFailureReasonIsStoredWithoutTheCredentialsOfAUrlItQuotes() {
    var build = counted(3);
    claim(build);
    var failed = ended(build, 1, WORKER, BuildStatus.FAILED);

    store.end(
        BuildEnded.of(
            failed.hostId(),
            failed.scheduleId(),
            failed.userId(),
            failed.workerId(),
            failed.attempt(),
            failed.status(),
            failed.change(),
            null,
            null,
            null,
            "source sync failed: fatal: repository 'https://alice:tok3n@git.example.com/x/'",
            failed.log(),
            failed.at()),
        T0);

    assertThat(get(build).reason())
        .isEqualTo("source sync failed: fatal: repository 'https://***@git.example.com/x/'");
  }

  @Test
  void aJobIsMarkedSentOnceAndResentOnlyByTheSweepThatReadItsLastSend() {
    var build = counted(3);
    assertThat(store.markQueued(build, T0)).isTrue();
    assertThat(store.markQueued(build, T0)).isFalse();

    var queued = get(build);
    assertThat(store.markResent(queued, T0.plusSeconds(1))).isTrue();
    assertThat(store.markResent(queued, T0.plusSeconds(2))).as("a second sweep").isFalse();
    assertThat(get(build).lastSentAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void aJobSentBeforeTimestampsHadOneFormIsResent() {
    var build = counted(3);
    store.markQueued(build, T0);
    setStored(build, "lastSentAt", T0.toString());

    assertThat(store.markResent(get(build), T0.plusSeconds(1))).isTrue();
  }

  @Test
  void theEndEmailIsClaimedByOneSenderAndReleasedForARetry() {
    var build = counted(3);

    var until = T0.plusSeconds(120);
    assertThat(store.claimEmail(build, "c1", T0, until)).isTrue();
    assertThat(store.claimEmail(build, "c2", T0, until)).isFalse();
    store.releaseEmail(build, "c1");
    assertThat(store.claimEmail(build, "c2", T0, until)).isTrue();
    store.markEmailed(build, "c2", T0);
    store.releaseEmail(build, "c2");
    assertThat(store.claimEmail(build, "c3", until, until.plusSeconds(120)))
        .as("sent already")
        .isFalse();
  }

  @Test
  void anEmailClaimWhoseTimeRanOutIsTakenOverAndOneWithoutATimeToo() {
    var build = counted(3);
    var until = T0.plusSeconds(120);
    assertThat(store.claimEmail(build, "c1", T0, until)).isTrue();

    assertThat(store.claimEmail(build, "c2", until.minusNanos(1), until)).isFalse();
    assertThat(store.claimEmail(build, "c2", until, until.plusSeconds(120))).isTrue();
    // A claim of the release before claims had a time: its holder is gone by now.
    store.releaseEmail(build, "c2");
    setStored(build, "emailClaim", "c-old");
    assertThat(store.claimEmail(build, "c3", T0, until)).isTrue();
  }

  @Test
  void waitingBuildsAreCountedByKindAndArchBeforeAnInstant() {
    var first = stored(BuildStatus.SCHEDULED);
    var second = at(schedule(USER, BuildStatus.SCHEDULED), T0.plusNanos(1000));
    store.insert(second);
    store.insert(at(schedule(USER, BuildStatus.IN_PROGRESS), T0.minusSeconds(1)));

    assertThat(store.countWaitingBefore(T0.plusNanos(1000), EnumSet.of(BuildKind.USER), Arch.AMD64))
        .isEqualTo(1);
    assertThat(store.countWaitingBefore(T0.plusSeconds(1), EnumSet.of(BuildKind.USER), Arch.AMD64))
        .isEqualTo(2);
    assertThat(store.countWaitingBefore(T0.plusSeconds(1), EnumSet.of(BuildKind.USER), Arch.ARM64))
        .isZero();
    assertThat(store.withStatusBefore(BuildStatus.SCHEDULED, T0.plusNanos(1000)))
        .extracting(BuildSchedule::scheduleId)
        .containsExactly(first.scheduleId());
    assertThat(store.withStatus(BuildStatus.SCHEDULED)).hasSize(2);
  }

  @Test
  void buildsScheduledWithTheOldMillisecondPrecisionAreRead() {
    var build = stored(BuildStatus.SCHEDULED);
    setStored(build, "scheduledAt", "2026-03-01T10:00:00.123Z");

    assertThat(get(build).scheduledAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
  }

  @Test
  void recurringSettingsAreStoredApartFromEveryUsersBuilds() {
    assertThat(store.recurringSettings()).isEqualTo(new RecurringSettings(false, null, null));

    var paused = new RecurringSettings(true, "admin", T0);
    store.putRecurringSettings(paused);

    assertThat(store.recurringSettings()).isEqualTo(paused);
    assertThat(store.withStatus(BuildStatus.SCHEDULED)).isEmpty();
  }

  @Test
  void listingPagesThroughAUsersBuilds() {
    var a = stored(BuildStatus.SCHEDULED);
    var b = stored(BuildStatus.COMPLETED);

    var first = store.list(USER, 1, null);
    var second = store.list(USER, 1, first.lastScheduleId());

    assertThat(first.items()).extracting(BuildSchedule::scheduleId).containsExactly(a.scheduleId());
    assertThat(second.items())
        .extracting(BuildSchedule::scheduleId)
        .containsExactly(b.scheduleId());
  }

  /** Writes an attribute as items written before this code hold it. */
  private void setStored(BuildSchedule build, String attribute, String value) {
    dynamo
        .client()
        .updateItem(
            b ->
                b.tableName(dynamo.table(A4cTables.BUILD_SCHEDULES))
                    .key(A4cTables.BUILD_SCHEDULES.key(build.userId(), build.scheduleId()))
                    .updateExpression("SET #a = :old")
                    .expressionAttributeNames(Map.of("#a", attribute))
                    .expressionAttributeValues(Map.of(":old", AttributeValue.fromS(value))));
  }

  private boolean apply(Move move, BuildSchedule build) {
    return switch (move) {
      case CLAIM -> store.claim(get(build), "h1", WORKER, T0).isPresent();
      case REDRIVE -> store.redrive(get(build), T0);
      case COMPLETE -> store.end(ended(build, build.attempt(), WORKER, BuildStatus.COMPLETED), T0);
      case FAIL -> store.end(ended(build, build.attempt(), WORKER, BuildStatus.FAILED), T0);
      case FAIL_UNFINISHED -> store.failUnfinished(USER, build.scheduleId(), "dead letter", T0);
      case CANCEL -> store.cancel(USER, build.scheduleId(), T0);
    };
  }

  private BuildSchedule stored(BuildStatus status) {
    var build = schedule(USER, status);
    assertThat(store.insert(build)).isTrue();
    return build;
  }

  private BuildSchedule counted(int quota) {
    var build = schedule(USER, BuildStatus.SCHEDULED);
    store.insertCounted(build, quota);
    return build;
  }

  private BuildSchedule get(BuildSchedule build) {
    return store.get(build.userId(), build.scheduleId(), true).orElseThrow();
  }

  /** Claims the build as it is stored now, for {@link #WORKER}. */
  private OptionalInt claim(BuildSchedule build) {
    return store.claim(get(build), "h1", WORKER, T0);
  }

  private static BuildEnded ended(
      BuildSchedule build, int attempt, String worker, BuildStatus status) {
    return BuildEnded.of(
        "h1",
        build.scheduleId(),
        build.userId(),
        worker,
        attempt,
        status,
        "abc",
        null,
        status == BuildStatus.COMPLETED ? "reg/proj:abc" : null,
        status == BuildStatus.COMPLETED ? "sha256:00" : null,
        status == BuildStatus.FAILED ? "broke" : null,
        "log",
        T0);
  }

  private BuildSchedule schedule(String userId, BuildStatus status) {
    boolean claimed = status != BuildStatus.SCHEDULED && status != BuildStatus.CANCELLED;
    return new BuildSchedule(
        userId,
        String.format("bs-%026d", ++nextId),
        null,
        "proj",
        "main",
        Arch.AMD64,
        null,
        userId.equals(RecurringBuilds.OWNER) ? BuildKind.RECURRING : BuildKind.USER,
        status,
        claimed ? 1 : 0,
        claimed ? 1 : 0,
        claimed ? WORKER : null,
        claimed ? "h1" : null,
        null,
        null,
        null,
        null,
        false,
        "{}",
        T0,
        claimed ? T0 : null,
        status.isFinal() ? T0 : null,
        T0,
        null);
  }

  private static BuildSchedule at(BuildSchedule b, Instant scheduledAt) {
    return new BuildSchedule(
        b.userId(),
        b.scheduleId(),
        b.imageName(),
        b.projectName(),
        b.parentName(),
        b.arch(),
        b.change(),
        b.kind(),
        b.status(),
        b.attempt(),
        b.attempts(),
        b.workerId(),
        b.hostId(),
        b.imageRef(),
        b.digest(),
        b.reason(),
        b.notifyEmail(),
        b.queued(),
        b.job(),
        scheduledAt,
        b.startedAt(),
        b.endedAt(),
        b.updatedAt(),
        b.lastSentAt());
  }
}
