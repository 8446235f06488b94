package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A builder's log of a build it still runs, sent every few seconds while the log grows, so that the
 * owner can follow it ({@code GET …/image-schedules/{id}/log?after=…}) before the build ends. Each
 * carries the whole log so far (head and tail when long, as {@link BuildEnded} does), so a lost or
 * late one costs nothing: the consumer keeps the one of the highest {@code seq} for the newest
 * attempt, applies it only while the sender holds the build, and never over the log of the end.
 *
 * @param attempt the claim's attempt (its fencing token)
 * @param seq counts this builder's updates of this attempt, from 1
 * @param log the build's output so far, at most {@link BuildEnded#MAX_LOG_BYTES} UTF-8 bytes
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
    Instant at)
    implements HostEvent {
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
  }

  /** A version-1 update. */
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
        Versions.CURRENT, hostId, scheduleId, userId, workerId, attempt, seq, log, at);
  }
}
