package io.a4c.functions.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Which hosts are reachable, read from the hosts table at most every few seconds per function
 * instance: workspace reads show whether their host is up without a lookup each. Thread-safe.
 */
@Singleton
public final class HostDirectory {
  static final Duration REFRESH = Duration.ofSeconds(5);

  private record Snapshot(Map<String, HostStatus> statuses, Instant takenAt) {}

  private final HostStore hosts;
  private final Clock clock;
  private volatile Snapshot snapshot;

  @Inject
  public HostDirectory(HostStore hosts, Clock clock) {
    this.hosts = hosts;
    this.clock = clock;
  }

  /** Whether the host heartbeats (not DOWN); null when the host is unknown. */
  public Boolean reachable(String hostId) {
    HostStatus status = statuses().get(hostId);
    return status == null ? null : status != HostStatus.DOWN;
  }

  private Map<String, HostStatus> statuses() {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (current == null || current.takenAt().isBefore(now.minus(REFRESH))) {
      Map<String, HostStatus> statuses = new HashMap<>();
      hosts.all().forEach(h -> statuses.put(h.hostId(), h.status()));
      current = new Snapshot(Map.copyOf(statuses), now);
      snapshot = current;
    }
    return current.statuses();
  }
}
