package io.a4c.functions.builds;

import java.time.Instant;

/**
 * Whether recurring builds run, as an admin set it ({@code PUT /v1/recurring-builds}).
 *
 * @param updatedBy the admin who last changed it, or null if nobody has
 */
public record RecurringSettings(boolean paused, String updatedBy, Instant updatedAt) {}
