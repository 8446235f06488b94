package io.a4c.daemon.idle;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The idle watcher's decision for one running container, apart from the engine: when it was last in
 * use, and whether it has been idle long enough to stop. In use means an established SSH session
 * now, or CPU use since the previous look above the threshold.
 */
public final class IdleActivity {
  private IdleActivity() {}

  /**
   * What the watcher remembers of a container between looks.
   *
   * @param lastActiveAt when it was last seen in use (or started, or first seen)
   * @param cpuNanos its CPU time at {@code sampledAt}; negative when unknown
   */
  public record Watch(String containerId, Instant lastActiveAt, long cpuNanos, Instant sampledAt) {}

  /**
   * One look at a running container.
   *
   * @param previous the last look's watch of this workspace, or null
   * @param startedAt when the engine last started the container, or null if it did not say
   * @param sshSession whether it has an established SSH session now
   * @param cpuNanos its CPU time now, when the engine gave it
   * @param cpuPercent the threshold, in percent of one core, above which it is in use
   * @return the watch to remember. A container first seen (or one that replaced the last one seen)
   *     counts as active now: nothing is known of its use before. A container started again since
   *     it was last active counts from its start.
   */
  public static Watch look(
      Watch previous,
      String containerId,
      Instant startedAt,
      Instant now,
      boolean sshSession,
      OptionalLong cpuNanos,
      int cpuPercent) {
    long cpu = cpuNanos.orElse(-1);
    if (previous == null || !previous.containerId().equals(containerId)) {
      return new Watch(containerId, now, cpu, now);
    }
    Instant lastActive = previous.lastActiveAt();
    if (startedAt != null && startedAt.isAfter(lastActive)) {
      lastActive = startedAt;
    }
    boolean busy = false;
    long elapsed = Duration.between(previous.sampledAt(), now).toNanos();
    if (cpu >= 0 && previous.cpuNanos() >= 0 && cpu >= previous.cpuNanos() && elapsed > 0) {
      // (used / elapsed) * 100 > percent, without rounding
      busy = (cpu - previous.cpuNanos()) * 100.0 > (double) cpuPercent * elapsed;
    }
    if (sshSession || busy) {
      lastActive = now;
    }
    return new Watch(containerId, lastActive, cpu, now);
  }

  /** Whether a container watched as {@code watch} has been idle for {@code idleMinutes} now. */
  public static boolean idleLongEnough(Watch watch, int idleMinutes, Instant now) {
    return idleMinutes > 0
        && !Duration.between(watch.lastActiveAt(), now).minusMinutes(idleMinutes).isNegative();
  }
}
