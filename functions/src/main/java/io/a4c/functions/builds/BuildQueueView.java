package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import java.time.Instant;
import java.util.List;

/**
 * The fleet's builds that are not over, per arch, as an admin sees them ({@code GET
 * /v1/builds/queue}): how many wait and run, of each kind, and the one that has waited longest.
 *
 * @param arches every arch A4C knows, in {@link Arch} order, each with its own queue
 */
public record BuildQueueView(List<ArchQueue> arches) {
  /**
   * One arch's queue.
   *
   * @param waiting SCHEDULED builds of the arch, by kind
   * @param running IN_PROGRESS builds of the arch, by kind
   * @param oldestWaiting the SCHEDULED build of the arch scheduled first; null when none waits
   */
  public record ArchQueue(
      Arch arch, KindCounts waiting, KindCounts running, OldestWaiting oldestWaiting) {}

  /** Builds by kind: asked for by users, or fired by a project's cron expression. */
  public record KindCounts(int user, int recurring) {}

  /**
   * The build of an arch that has waited longest.
   *
   * @param waiting its position and why it waits, as its owner sees it
   */
  public record OldestWaiting(
      String scheduleId, String userId, BuildKind kind, Instant scheduledAt, Waiting waiting) {}
}
