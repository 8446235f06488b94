package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import java.time.Instant;

/**
 * A build's log as the API returns it.
 *
 * @param attempt which attempt wrote it (a build retried after its builder died has the last one's)
 * @param log the builder's output: source sync, Dockerfile steps, push; head and tail when long;
 *     with {@code ?after=N}, only what follows its first N characters
 * @param nextOffset the whole log's length so far, in UTF-16 code units (JavaScript's and Java's
 *     string length): the {@code after} that asks for what comes next
 * @param ended whether the build has ended, so the log will not grow
 */
public record BuildLogView(
    String scheduleId,
    BuildStatus status,
    int attempt,
    String log,
    Instant writtenAt,
    long nextOffset,
    boolean ended) {}
