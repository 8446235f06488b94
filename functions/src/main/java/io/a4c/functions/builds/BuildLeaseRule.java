package io.a4c.functions.builds;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a build's claim stops holding: the one rule by which a claim may take an IN_PROGRESS build
 * over ({@link BuildLease}) and the sweep re-drives or fails it ({@link ExpiredBuildLeases}). A
 * claim starts the lease ({@code startedAt}); it is kept by the status reports of the holder's
 * builder, which reach the functions through the host-events queue and its sender check, so only
 * the holder's own host keeps it and no claim's word ends it. It has run out when
 *
 * <ul>
 *   <li>the holder's builder, reporting at least {@code margin} after the claim, no longer lists
 *       the build (it gave it up after a transient failure, or its daemon restarted). The margin
 *       leaves out a report sent before the claim and delivered late, and a host clock somewhat
 *       ahead; or
 *   <li>the holder's builder has been silent for {@code silence} and the claim is older than that
 *       (it died, or lost its network); or
 *   <li>the claim is older than {@link #LONGEST_BUILD}, longer than any builder keeps a build (its
 *       checkout, engine build and push each have a deadline): its job or its report was lost while
 *       its builder lives on.
 * </ul>
 *
 * Pure.
 */
final class BuildLeaseRule {
  /** Longer than a builder's own deadline for one build (checkout, build, push and margin). */
  static final Duration LONGEST_BUILD = Duration.ofHours(4);

  private BuildLeaseRule() {}

  /**
   * Why the lease of IN_PROGRESS {@code build} ran out, or empty while it holds.
   *
   * @param holder the builder of the holder's host as last reported, if it ever reported
   */
  static Optional<String> lapsed(
      BuildSchedule build,
      Optional<BuilderStore.Builder> holder,
      Instant now,
      Duration silence,
      Duration margin) {
    Instant started = build.startedAt() != null ? build.startedAt() : build.scheduledAt();
    String last = " (last: " + build.workerId() + ", attempt " + build.attempt() + ")";
    if (started.plus(LONGEST_BUILD).isBefore(now)) {
      return Optional.of(
          "the build ran longer than any builder keeps a build ("
              + LONGEST_BUILD.toHours()
              + " h) without a report; its job or its report was lost"
              + last);
    }
    Instant seen = holder.map(BuilderStore.Builder::seenAt).orElse(null);
    var builds = holder.map(BuilderStore.Builder::builds).orElse(null);
    if (seen != null
        && builds != null
        && seen.isAfter(started.plus(margin))
        && !builds.contains(build.scheduleId())) {
      return Optional.of(
          "its builder no longer runs it (given up, or the daemon restarted)" + last);
    }
    boolean silent = seen == null || seen.plus(silence).isBefore(now);
    if (silent && started.plus(silence).isBefore(now)) {
      return Optional.of("its builder stopped reporting while building" + last);
    }
    return Optional.empty();
  }
}
