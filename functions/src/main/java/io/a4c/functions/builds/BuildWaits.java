package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Explains waiting builds: their position among the SCHEDULED ones and why no builder runs them
 * yet, from the builders' own reports and the recurring-builds settings. Thread-safe.
 */
@Singleton
public final class BuildWaits {
  /** What one explanation reads, read once per request and shared by a page's builds. */
  final class Snapshot {
    private final List<BuilderStore.Builder> builders;
    private final RecurringSettings settings;
    private final Map<Arch, Integer> userBuildsWaiting = new EnumMap<>(Arch.class);
    private final Instant now;

    private Snapshot() {
      this.now = clock.instant();
      this.builders = builderStore.all();
      this.settings = schedules.recurringSettings();
    }

    /** Where {@code build} stands; null unless it is SCHEDULED. */
    Waiting explain(BuildSchedule build) {
      if (build.status() != BuildStatus.SCHEDULED) {
        return null;
      }
      // Each arch has its own queue and its own recurring slots: only builds of its arch are ahead.
      if (build.kind() == BuildKind.USER) {
        return forBuilders(
            build.arch(),
            schedules.countWaitingBefore(
                    build.scheduledAt(), EnumSet.of(BuildKind.USER), build.arch())
                + 1);
      }
      int usersWaiting = usersWaiting(build.arch());
      int position =
          usersWaiting
              + schedules.countWaitingBefore(
                  build.scheduledAt(), EnumSet.of(BuildKind.RECURRING), build.arch())
              + 1;
      if (!build.queued()) {
        if (settings.paused()) {
          return new Waiting(
              position, "recurring-paused", "recurring builds are paused by an administrator");
        }
        String arch = build.arch().wireName();
        if (usersWaiting > 0) {
          return new Waiting(
              position,
              "behind-user-builds",
              usersWaiting
                  + " "
                  + arch
                  + " build(s) asked for by users go first; recurring builds of "
                  + arch
                  + " wait for them");
        }
        return new Waiting(
            position,
            "recurring-slot",
            "at most "
                + recurringInFlight
                + " recurring build(s) of "
                + arch
                + " run at once; this one is next in line");
      }
      return forBuilders(build.arch(), position);
    }

    /** User builds of {@code arch} waiting now, read once per snapshot. */
    private int usersWaiting(Arch arch) {
      return userBuildsWaiting.computeIfAbsent(
          arch,
          a ->
              schedules.countWaitingBefore(
                  now.plus(Duration.ofDays(1)), EnumSet.of(BuildKind.USER), a));
    }

    private Waiting forBuilders(Arch arch, int position) {
      var ofArch = builders.stream().filter(b -> b.arch() == arch).toList();
      if (ofArch.isEmpty()) {
        return new Waiting(
            position,
            "no-builder-for-arch",
            "no builder of arch " + arch.wireName() + " has reported; it waits until one does");
      }
      var live =
          ofArch.stream()
              .filter(b -> b.accepting() && !b.seenAt().isBefore(now.minus(staleAfter)))
              .toList();
      if (live.isEmpty()) {
        Instant last =
            ofArch.stream()
                .map(BuilderStore.Builder::seenAt)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        return new Waiting(
            position,
            "builders-down",
            "every builder of arch "
                + arch.wireName()
                + " is down or stopped (last report "
                + last
                + ")");
      }
      int slots = live.stream().mapToInt(BuilderStore.Builder::slots).sum();
      int running = live.stream().mapToInt(BuilderStore.Builder::running).sum();
      if (running >= slots) {
        return new Waiting(
            position,
            "builders-busy",
            "all "
                + live.size()
                + " builder(s) of arch "
                + arch.wireName()
                + " are busy ("
                + running
                + " of "
                + slots
                + " slots)");
      }
      return new Waiting(
          position,
          "queued",
          "on the "
              + arch.wireName()
              + " build queue; a free builder ("
              + (slots - running)
              + " of "
              + slots
              + " slots) takes it next");
    }
  }

  private final BuildScheduleStore schedules;
  private final BuilderStore builderStore;
  private final Clock clock;
  private final Duration staleAfter;
  private final int recurringInFlight;

  @Inject
  BuildWaits(
      BuildScheduleStore schedules,
      BuilderStore builderStore,
      Clock clock,
      FunctionsConfig config) {
    this.schedules = schedules;
    this.builderStore = builderStore;
    this.clock = clock;
    this.staleAfter = config.hostStaleAfter();
    this.recurringInFlight = config.builds().recurringInFlight();
  }

  /** Reads what explanations need, now. */
  Snapshot snapshot() {
    return new Snapshot();
  }
}
