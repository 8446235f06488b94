package io.a4c.functions.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventBridgeCronTest {
  private static final Instant AT = Instant.parse("2026-11-24T16:07:30Z"); // a Tuesday

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cron(0/5 * * * ? *)        | 2026-11-24T16:05:00Z",
        "cron(0 12 * * ? *)         | 2026-11-24T12:00:00Z",
        "cron(15 10 ? * MON-FRI *)  | 2026-11-24T10:15:00Z",
        "cron(0 8 ? * SAT,SUN *)    | 2026-11-22T08:00:00Z",
        "cron(0 3 L * ? *)          | 2026-10-31T03:00:00Z",
        "cron(0 3 ? * 6L *)         | 2026-10-30T03:00:00Z",
        "cron(0 3 ? * 2#2 *)        | 2026-11-09T03:00:00Z",
        "cron(0 3 1W * ? *)         | 2026-11-02T03:00:00Z",
        "cron(0 3 LW * ? *)         | 2026-10-30T03:00:00Z"
      })
  void findsTheLatestFiringAtOrBeforeNow(String expression, String expected) {
    var cron = EventBridgeCron.parse(expression.trim());
    var latest = cron.latestFire(AT, AT.minus(Duration.ofDays(60)));
    assertThat(latest).contains(Instant.parse(expected.trim()));
  }

  @Test
  void findsNothingWhenTheOnlyFiringIsStillToComeOrTooLongAgo() {
    assertThat(
            EventBridgeCron.parse("cron(30 16 24 NOV ? 2026)")
                .latestFire(AT, AT.minus(Duration.ofDays(60))))
        .isEmpty();
    assertThat(
            EventBridgeCron.parse("cron(0 12 * * ? *)")
                .latestFire(AT, AT.minus(Duration.ofHours(1))))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0 12 * * ? *",
        "cron(0 12 * * *)",
        "cron(0 12 * * * *)",
        "cron(0 12 ? * ? *)",
        "cron(60 12 * * ? *)",
        "cron(0 12 * FOO ? *)",
        "cron(0 12 ? * 8 *)",
        "cron(5-1 * * * ? *)",
        "cron(0 12 * * ? 1969)",
        "cron(0 12 * * ? *; rm -rf /)"
      })
  void refusesWhatEventBridgeRefuses(String expression) {
    assertThatThrownBy(() -> EventBridgeCron.parse(expression))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"cron(* * * * ? *)", "cron(0 0 1 1 ? 2030-2035)", "cron(0/15 9-17 ? * MON#1 *)"})
  void acceptsEventBridgeSyntax(String expression) {
    assertThat(EventBridgeCron.parse(expression).expression()).isEqualTo(expression);
  }
}
