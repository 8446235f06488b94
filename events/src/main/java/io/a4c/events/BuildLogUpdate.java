package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A builder's log of a build it still runs, sent every few seconds while the log grows, so that the
 * owner can follow it ({@code GET …/image-schedules/{id}/log?after=…}) before the build ends. Each
 * carries the last {@link #WINDOW_BYTES} of the output so far and where they start in it, so a lost
 * or late one costs nothing: the consumer keeps the one of the highest {@code seq} for the newest
 * attempt, applies it only while the sender holds the build, and never over the log of the end.
 *
 * @param attempt the claim's attempt (its fencing token)
 * @param seq counts this builder's updates of this attempt, from 1
 * @param log the build's output so far: its last {@link #WINDOW_BYTES} UTF-8 bytes at most, or (a
 *     daemon from before windows, {@code from} null) the whole log, head and tail when long, of at
 *     most {@link BuildEnded#MAX_LOG_BYTES}
 * @param from where {@code log} starts in the build's whole output, in UTF-16 code units (0 while
 *     the output fits the window); null from a daemon from before windows
 */
public record BuildLogUpdate(
    int version,
    String hostId,
    String scheduleId,
    String userId,
    String workerId,
    int attempt,
    long seq,
    String log,
    Instant at,
    Long from)
    implements HostEvent {
  /**
   * Most of a running build's output one update carries, in UTF-8 bytes: the end of it, which is
   * what a follower reads. Each update is written whole to the log's item, so this, not the log's
   * length, is what a chatty build costs every few seconds (the whole {@link
   * BuildEnded#MAX_LOG_BYTES} before: 6 times as much).
   */
  public static final int WINDOW_BYTES = 16 * 1024;

  public BuildLogUpdate {
    Versions.require("BuildLogUpdate", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("scheduleId", scheduleId, Names.SCHEDULE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Names.require("workerId", workerId, Names.WORKER_ID);
    if (attempt < 1 || seq < 1) {
      throw new IllegalArgumentException("attempt and seq must be at least 1");
    }
    Objects.requireNonNull(log, "log");
    if (log.getBytes(StandardCharsets.UTF_8).length > BuildEnded.MAX_LOG_BYTES) {
      throw new IllegalArgumentException(
          "log is longer than " + BuildEnded.MAX_LOG_BYTES + " bytes");
    }
    Objects.requireNonNull(at, "at");
    if (from != null && from < 0) {
      throw new IllegalArgumentException("from must not be negative");
    }
  }

  /** A version-1 update of the output's last part, {@code log}, which starts at {@code from}. */
  public static BuildLogUpdate window(
      String hostId,
      String scheduleId,
      String userId,
      String workerId,
      int attempt,
      long seq,
      String log,
      long from,
      Instant at) {
    return new BuildLogUpdate(
        Versions.CURRENT, hostId, scheduleId, userId, workerId, attempt, seq, log, at, from);
  }

  /** A version-1 update of the whole log so far, as a daemon from before windows sent it. */
  public static BuildLogUpdate of(
      String hostId,
      String scheduleId,
      String userId,
      String workerId,
      int attempt,
      long seq,
      String log,
      Instant at) {
    return new BuildLogUpdate(
        Versions.CURRENT, hostId, scheduleId, userId, workerId, attempt, seq, log, at, null);
  }
}
