package io.a4c.functions.builds;

/**
 * Where a SCHEDULED build stands and why it waits.
 *
 * @param position 1 for the next build a free builder of its arch takes: a user build counts the
 *     user builds of its arch ahead of it (each arch has its own queue); a recurring build counts
 *     every user build and the recurring ones ahead of it. Approximate: a standard SQS queue hands
 *     out jobs in about, not exactly, this order
 * @param code a stable reason code: {@code queued}, {@code builders-busy}, {@code builders-down},
 *     {@code no-builder-for-arch}, {@code recurring-paused}, {@code behind-user-builds}, {@code
 *     recurring-slot}
 * @param reason the same in words
 */
public record Waiting(int position, String code, String reason) {}
