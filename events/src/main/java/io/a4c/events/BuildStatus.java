package io.a4c.events;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an image build. The schedule store's conditional writes use exactly {@link
 * #allowedFrom}, so a duplicate delivery, a late report or a second builder can never move a record
 * backwards or end it twice.
 */
public enum BuildStatus {
  /** Written by the API (or the recurring scheduler); waiting for a builder. */
  SCHEDULED,
  /**
   * A builder holds the claim; {@code attempt}, assigned by the store, fences older holders out.
   */
  IN_PROGRESS,
  /** Built, pushed and recorded as the project's image for that change. */
  COMPLETED,
  /** Ended without an image; the reason says why. */
  FAILED,
  /** Cancelled by its owner before a builder took it. */
  CANCELLED;

  private Set<BuildStatus> next() {
    return switch (this) {
      // FAILED straight from SCHEDULED: the job reached the dead-letter queue unclaimed.
      case SCHEDULED -> EnumSet.of(IN_PROGRESS, CANCELLED, FAILED);
      // IN_PROGRESS again: the holder's lease ran out and the job came back to another builder,
      // which the store gives the next attempt number. SCHEDULED again: the lease ran out and the
      // job is re-driven (sent again), while the build has deliveries left.
      case IN_PROGRESS -> EnumSet.of(SCHEDULED, IN_PROGRESS, COMPLETED, FAILED);
      case COMPLETED, FAILED, CANCELLED -> EnumSet.noneOf(BuildStatus.class);
    };
  }

  /** Whether a record in this state may move to {@code target}. */
  public boolean canMoveTo(BuildStatus target) {
    return next().contains(target);
  }

  /** The states a record may be in for a move to {@code target}. */
  public static Set<BuildStatus> allowedFrom(BuildStatus target) {
    Set<BuildStatus> from = EnumSet.noneOf(BuildStatus.class);
    for (BuildStatus s : values()) {
      if (s.canMoveTo(target)) {
        from.add(s);
      }
    }
    return from;
  }

  /** Whether nothing can change the record any more. */
  public boolean isFinal() {
    return next().isEmpty();
  }
}
