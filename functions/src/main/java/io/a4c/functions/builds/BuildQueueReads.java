package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reads the fleet's build queue for admins ({@code GET /v1/builds/queue}): every SCHEDULED and
 * IN_PROGRESS build from the store's byStatus index (eventually consistent; as many items as builds
 * in flight, which the per-user quotas and the recurring slots bound), counted per arch and kind,
 * with the longest-waiting build of each arch and why it waits ({@link BuildWaits}). Thread-safe.
 */
@Singleton
public final class BuildQueueReads {
  private final BuildScheduleStore schedules;
  private final BuildWaits waits;

  @Inject
  BuildQueueReads(BuildScheduleStore schedules, BuildWaits waits) {
    this.schedules = schedules;
    this.waits = waits;
  }

  /** The queue of every arch, now. */
  public BuildQueueView queue() {
    List<BuildSchedule> waiting = schedules.withStatus(BuildStatus.SCHEDULED);
    List<BuildSchedule> running = schedules.withStatus(BuildStatus.IN_PROGRESS);
    var snapshot = waits.snapshot();
    List<BuildQueueView.ArchQueue> arches = new ArrayList<>();
    for (Arch arch : Arch.values()) {
      List<BuildSchedule> archWaiting = ofArch(waiting, arch);
      // The index orders each status by scheduledAt: the first one waited longest.
      BuildQueueView.OldestWaiting oldest =
          archWaiting.stream()
              .findFirst()
              .map(
                  b ->
                      new BuildQueueView.OldestWaiting(
                          b.scheduleId(),
                          b.userId(),
                          b.kind(),
                          b.scheduledAt(),
                          snapshot.explain(b)))
              .orElse(null);
      arches.add(
          new BuildQueueView.ArchQueue(
              arch, counts(archWaiting), counts(ofArch(running, arch)), oldest));
    }
    return new BuildQueueView(arches);
  }

  private static List<BuildSchedule> ofArch(List<BuildSchedule> builds, Arch arch) {
    return builds.stream().filter(b -> b.arch() == arch).toList();
  }

  private static BuildQueueView.KindCounts counts(List<BuildSchedule> builds) {
    int user = (int) builds.stream().filter(b -> b.kind() == BuildKind.USER).count();
    return new BuildQueueView.KindCounts(user, builds.size() - user);
  }
}
