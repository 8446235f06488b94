package io.a4c.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A builder's periodic report: its arch, how many builds it may run and runs now. Waiting builds
 * use it to say why they wait (no builder of that arch, all busy, all down).
 *
 * @param slots how many builds it runs at most at once
 * @param running builds it runs now
 * @param accepting false once its owner stopped it taking builds
 * @param builds the schedule ids of the builds it runs now: a build it holds that is not among them
 *     (it gave the build up after a transient failure, or the daemon restarted) has lost its lease,
 *     and the functions hand it to another builder. Null from a daemon before this field, whose
 *     builds then keep their lease until it falls silent.
 */
public record BuilderStatus(
    int version,
    String hostId,
    Arch arch,
    int slots,
    int running,
    boolean accepting,
    Instant sentAt,
    List<String> builds)
    implements HostEvent {
  public BuilderStatus {
    Versions.require("BuilderStatus", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(sentAt, "sentAt");
    if (slots < 0 || running < 0) {
      throw new IllegalArgumentException("slots and running must not be negative");
    }
    if (builds != null) {
      builds = List.copyOf(builds);
      builds.forEach(id -> Names.require("builds[]", id, Names.SCHEDULE_ID));
    }
  }

  /** A version-1 report of the builds in hand. */
  public static BuilderStatus of(
      String hostId, Arch arch, int slots, List<String> builds, boolean accepting, Instant sentAt) {
    return new BuilderStatus(
        Versions.CURRENT, hostId, arch, slots, builds.size(), accepting, sentAt, builds);
  }
}
