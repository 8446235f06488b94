package io.a4c.daemon.idle;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.idle.IdleActivity.Watch;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The idle decision on a fixed clock: looks a minute apart, a threshold of 5 % of one core. */
class IdleActivityTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant STARTED = T0.minus(Duration.ofHours(3));
  private static final int PERCENT = 5;
  private static final long SECOND = 1_000_000_000L;

  private static Instant minute(int n) {
    return T0.plus(Duration.ofMinutes(n));
  }

  /** Looks once a minute at an idle container, from {@code first} on; the last watch. */
  private static Watch idleLooks(Watch first, int from, int to, long cpu) {
    Watch watch = first;
    for (int n = from; n <= to; n++) {
      watch = IdleActivity.look(watch, "c1", STARTED, minute(n), false, OptionalLong.of(cpu), 5);
    }
    return watch;
  }

  @Test
  void aContainerFirstSeenCountsAsActiveThenWhatever() {
    var watch =
        IdleActivity.look(null, "c1", STARTED, T0, false, OptionalLong.of(40 * SECOND), PERCENT);

    assertThat(watch.lastActiveAt()).as("nothing is known of its use before").isEqualTo(T0);
    assertThat(IdleActivity.idleLongEnough(watch, 30, T0)).isFalse();
  }

  @Test
  void noSessionAndLittleCpuForTheIdleMinutesIsIdle() {
    var first = IdleActivity.look(null, "c1", STARTED, T0, false, OptionalLong.of(0), PERCENT);
    var watch = idleLooks(first, 1, 29, 0);

    assertThat(IdleActivity.idleLongEnough(watch, 30, minute(29))).isFalse();

    watch = idleLooks(watch, 30, 30, 0);
    assertThat(watch.lastActiveAt()).isEqualTo(T0);
    assertThat(IdleActivity.idleLongEnough(watch, 30, minute(30))).isTrue();
    assertThat(IdleActivity.idleLongEnough(watch, 0, minute(30))).as("0: never").isFalse();
  }

  @Test
  void anSshSessionMakesItActiveNow() {
    var watch = idleLooks(null, 0, 20, 0);

    watch = IdleActivity.look(watch, "c1", STARTED, minute(21), true, OptionalLong.of(0), PERCENT);

    assertThat(watch.lastActiveAt()).isEqualTo(minute(21));
    assertThat(IdleActivity.idleLongEnough(watch, 30, minute(50))).isFalse();
    assertThat(IdleActivity.idleLongEnough(watch, 30, minute(51))).isTrue();
  }

  @Test
  void cpuAboveTheThresholdSinceTheLastLookIsActivityAndAtItIsNot() {
    var watch = idleLooks(null, 0, 10, 0);

    // 3 s of CPU in 60 s: exactly 5 %, not above it.
    var atThreshold =
        IdleActivity.look(
            watch, "c1", STARTED, minute(11), false, OptionalLong.of(3 * SECOND), PERCENT);
    assertThat(atThreshold.lastActiveAt()).isEqualTo(T0);

    // Then 3.1 s in the next 60 s: above.
    var above =
        IdleActivity.look(
            atThreshold,
            "c1",
            STARTED,
            minute(12),
            false,
            OptionalLong.of(6 * SECOND + SECOND / 10),
            PERCENT);
    assertThat(above.lastActiveAt()).isEqualTo(minute(12));
  }

  @Test
  void withoutACpuReadingOnlySessionsCount() {
    var watch = idleLooks(null, 0, 5, 0);

    watch =
        IdleActivity.look(watch, "c1", STARTED, minute(6), false, OptionalLong.empty(), PERCENT);
    watch =
        IdleActivity.look(
            watch, "c1", STARTED, minute(7), false, OptionalLong.of(100 * SECOND), PERCENT);

    assertThat(watch.lastActiveAt()).as("no delta across a missing reading").isEqualTo(T0);
  }

  @Test
  void aContainerStartedAgainSinceItWasLastActiveCountsFromItsStart() {
    var watch = idleLooks(null, 0, 10, 0);
    Instant restarted = minute(15);

    watch =
        IdleActivity.look(watch, "c1", restarted, minute(16), false, OptionalLong.of(0), PERCENT);

    assertThat(watch.lastActiveAt()).isEqualTo(restarted);
  }

  @Test
  void aNewContainerOfTheWorkspaceStartsAfresh() {
    var watch = idleLooks(null, 0, 29, 0);

    watch = IdleActivity.look(watch, "c2", STARTED, minute(30), false, OptionalLong.of(0), PERCENT);

    assertThat(watch.containerId()).isEqualTo("c2");
    assertThat(IdleActivity.idleLongEnough(watch, 30, minute(30))).isFalse();
  }
}
