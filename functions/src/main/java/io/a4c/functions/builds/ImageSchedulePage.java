package io.a4c.functions.builds;

import java.util.List;

/**
 * One page of a user's image schedules, oldest first.
 *
 * @param nextToken opaque; pass it back as {@code nextToken} for the next page; absent on the last
 */
public record ImageSchedulePage(List<ImageScheduleView> items, String nextToken) {}
