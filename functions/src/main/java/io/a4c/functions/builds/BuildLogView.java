package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import java.time.Instant;

/**
 * A build's log as the API returns it.
 *
 * @param attempt which attempt wrote it (a build retried after its builder died has the last one's)
 * @param log the builder's output: source sync, Dockerfile steps, push; head and tail when long
 */
public record BuildLogView(
    String scheduleId, BuildStatus status, int attempt, String log, Instant writtenAt) {}
