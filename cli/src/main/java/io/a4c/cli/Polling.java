package io.a4c.cli;

import java.time.Duration;
import java.util.Set;

/**
 * How the CLI's waits pace their looks at the API, and which answers mean "ask again" rather than a
 * failure of what is waited for.
 *
 * <p>A workspace's create or start takes about a second, a pooled create a fifth of one: a wait
 * that looked every 500 ms from the start saw RUNNING up to half a second after it was reached,
 * more than the pooled create itself took. So a wait looks every 200 ms for its first 2 s (at most
 * 10 requests, 5 a second), then every 500 ms. An answer of a throttled or briefly unavailable API
 * (429, 502, 503, 504) does not end the wait: it asks again after 0.5, 1, 2, 4, then every 8 s, or
 * after the answer's {@code Retry-After} in seconds when that is longer (at most 30 s), within the
 * wait's own timeout.
 */
final class Polling {
  /** Between looks at first. */
  static final Duration FIRST = Duration.ofMillis(200);

  /** How long a wait looks at {@link #FIRST}'s pace. */
  static final Duration FIRST_FOR = Duration.ofSeconds(2);

  /** Between looks after that. */
  static final Duration THEN = Duration.ofMillis(500);

  private static final Set<Integer> BUSY = Set.of(429, 502, 503, 504);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(8);
  private static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(30);

  private Polling() {}

  /** The pause before the next look, {@code waited} into the wait. */
  static Duration next(Duration waited) {
    return waited.compareTo(FIRST_FOR) < 0 ? FIRST : THEN;
  }

  /** Whether the answer says the API is throttling or briefly unavailable: ask again later. */
  static boolean busy(Api.Reply reply) {
    return BUSY.contains(reply.status());
  }

  /**
   * The pause after the {@code inARow}-th busy answer in a row (1 for the first): doubling from 0.5
   * s to 8 s, or the answer's {@code Retry-After} in seconds (at most 30 s) when that is longer. An
   * HTTP date or anything else there is ignored; so is a shorter one: an API that answers {@code
   * Retry-After: 0} to every request is still asked at most twice a second.
   */
  static Duration backoff(Api.Reply reply, int inARow) {
    Duration pause = FIRST_BACKOFF.multipliedBy(1L << Math.min(Math.max(inARow - 1, 0), 4));
    if (pause.compareTo(LONGEST_BACKOFF) > 0) {
      pause = LONGEST_BACKOFF;
    }
    if (reply.retryAfter() != null) {
      try {
        long seconds =
            Math.min(Long.parseLong(reply.retryAfter().strip()), LONGEST_RETRY_AFTER.toSeconds());
        Duration asked = Duration.ofSeconds(Math.max(seconds, 0));
        return asked.compareTo(pause) > 0 ? asked : pause;
      } catch (NumberFormatException e) {
        // An HTTP date or garbage: the doubling.
      }
    }
    return pause;
  }

  /**
   * Pauses after the {@code inARow}-th busy answer in a row, saying so on the progress line, but no
   * longer than the wait has left; once the wait is over {@code timeout}, ends it instead, naming
   * what it waited for.
   */
  static void waitOut(
      Progress progress, Api.Reply reply, int inARow, Duration timeout, String waitedFor) {
    Duration waited = progress.waited();
    if (waited.isNegative()) {
      waited = Duration.ZERO; // the clock stepped back
    }
    if (waited.compareTo(timeout) > 0) {
      throw new CliException(
          ExitCodes.FAILED,
          "gave up waiting after "
              + progress.elapsed()
              + ": the API answered "
              + reply.status()
              + " when asked about "
              + waitedFor);
    }
    Duration left = timeout.minus(waited);
    Duration pause = backoff(reply, inARow);
    if (pause.compareTo(left) > 0) {
      pause = left;
    }
    progress.show(busyLine(reply, pause));
    Progress.pause(pause);
  }

  /** The progress line while the API is busy. */
  private static String busyLine(Api.Reply reply, Duration pause) {
    return "the API is busy (HTTP "
        + reply.status()
        + "); asking again in "
        + String.format(java.util.Locale.ROOT, "%.1f s", pause.toMillis() / 1000.0);
  }
}
