package io.a4c.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A builder's periodic report: its arch, how many builds it may run and runs now. Waiting builds
 * use it to say why they wait (no builder of that arch, all busy, all down).
 *
 * @param slots how many builds it runs at most at once
 * @param running builds it runs now
 * @param accepting false once its owner stopped it taking builds
 */
public record BuilderStatus(
    int version,
    String hostId,
    Arch arch,
    int slots,
    int running,
    boolean accepting,
    Instant sentAt)
    implements HostEvent {
  public BuilderStatus {
    Versions.require("BuilderStatus", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(sentAt, "sentAt");
    if (slots < 0 || running < 0) {
      throw new IllegalArgumentException("slots and running must not be negative");
    }
  }

  /** A version-1 report. */
  public static BuilderStatus of(
      String hostId, Arch arch, int slots, int running, boolean accepting, Instant sentAt) {
    return new BuilderStatus(Versions.CURRENT, hostId, arch, slots, running, accepting, sentAt);
  }
}
