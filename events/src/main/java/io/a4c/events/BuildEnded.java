package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A builder's report that a build it held ended. Applied only while the record is IN_PROGRESS at
 * the same {@code attempt}, so a duplicate, or the report of a builder that lost its claim, is a
 * no-op.
 *
 * @param status COMPLETED or FAILED
 * @param change the change built (resolved by the builder when the job named none)
 * @param position where the change stands in its parent's history, so that the newest change built,
 *     not the last build to end, becomes the parent's default image: the change number for
 *     Perforce, {@code git rev-list --count <commit>} for git (a descendant always counts more than
 *     its ancestors); null when unknown (a Perforce build of {@code head}, or a failure before the
 *     sources were synced)
 * @param imageRef the pushed image, for COMPLETED
 * @param digest the registry digest of the pushed image, for COMPLETED
 * @param reason for FAILED: which step and why
 * @param log the build's output, head and tail kept when long
 * @param logWritten how long the build's whole output was, in UTF-16 code units; null from a daemon
 *     from before it was sent
 * @param logTailFrom when the middle of the output was left out of {@code log}: where in the whole
 *     output the part of {@code log} after the marker starts (it runs to the end); else null
 */
public record BuildEnded(
    int version,
    String hostId,
    String scheduleId,
    String userId,
    String workerId,
    int attempt,
    BuildStatus status,
    String change,
    Long position,
    String imageRef,
    String digest,
    String reason,
    String log,
    Instant at,
    Long logWritten,
    Long logTailFrom)
    implements HostEvent {
  /**
   * Longest log a report carries, in UTF-8 bytes (what SQS, at most 256 KiB a message, and DynamoDB
   * count; a character may take four).
   */
  public static final int MAX_LOG_BYTES = 96 * 1024;

  public BuildEnded {
    Versions.require("BuildEnded", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("scheduleId", scheduleId, Names.SCHEDULE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Names.require("workerId", workerId, Names.WORKER_ID);
    if (status != BuildStatus.COMPLETED && status != BuildStatus.FAILED) {
      throw new IllegalArgumentException("status must be COMPLETED or FAILED");
    }
    if (change != null) {
      Names.require("change", change, Names.CHANGE);
    }
    if (position != null && position < 1) {
      throw new IllegalArgumentException("position must be at least 1");
    }
    if (status == BuildStatus.COMPLETED) {
      Names.require("imageRef", imageRef, Names.IMAGE_REF);
    }
    if (log != null && log.getBytes(StandardCharsets.UTF_8).length > MAX_LOG_BYTES) {
      throw new IllegalArgumentException("log is longer than " + MAX_LOG_BYTES + " bytes");
    }
    Objects.requireNonNull(at, "at");
    if (logTailFrom != null
        && (logWritten == null || logTailFrom < 0 || logTailFrom > logWritten)) {
      throw new IllegalArgumentException("logTailFrom must lie within logWritten");
    }
  }

  /**
   * This report with where its log stands in the build's whole output: {@code written} code units
   * in all, the kept tail starting at {@code tailFrom} (null when nothing was left out).
   */
  public BuildEnded withLogPlace(long written, Long tailFrom) {
    return new BuildEnded(
        version,
        hostId,
        scheduleId,
        userId,
        workerId,
        attempt,
        status,
        change,
        position,
        imageRef,
        digest,
        reason,
        log,
        at,
        written,
        tailFrom);
  }

  /** A version-1 report. */
  public static BuildEnded of(
      String hostId,
      String scheduleId,
      String userId,
      String workerId,
      int attempt,
      BuildStatus status,
      String change,
      Long position,
      String imageRef,
      String digest,
      String reason,
      String log,
      Instant at) {
    return new BuildEnded(
        Versions.CURRENT,
        hostId,
        scheduleId,
        userId,
        workerId,
        attempt,
        status,
        change,
        position,
        imageRef,
        digest,
        reason,
        log,
        at,
        null,
        null);
  }
}
