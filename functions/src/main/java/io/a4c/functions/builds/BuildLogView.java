package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import java.time.Instant;

/**
 * A build's log as the API returns it.
 *
 * @param attempt which attempt wrote it (a build retried after its builder died has the last one's)
 * @param log the builder's output: source sync, Dockerfile steps, push; head and tail when long
 *     once the build ended, its last 16 KiB while it runs; with {@code ?after=N}, only what follows
 *     the output's first N characters (a marker says how much is skipped where that is no longer
 *     kept)
 * @param nextOffset how long the build's whole output is so far, in UTF-16 code units (JavaScript's
 *     and Java's string length): the {@code after} that asks for what comes next
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
