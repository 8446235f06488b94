package io.a4c.functions.builds;

/**
 * Where a SCHEDULED build stands and why it waits.
 *
 * @param position 1 for the next build a free builder of its arch takes, counting only builds of
 *     its arch (each arch has its own queue); user builds go ahead of recurring ones. Approximate:
 *     a standard SQS queue hands out jobs in about, not exactly, this order
 * @param code a stable reason code: {@code queued}, {@code builders-busy}, {@code builders-down},
 *     {@code no-builder-for-arch}, {@code recurring-paused}, {@code behind-user-builds}, {@code
 *     recurring-slot}
 * @param reason the same in words
 */
public record Waiting(int position, String code, String reason) {}
