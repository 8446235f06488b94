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
 * instance: workspace reads show whether their host is up (and since when a DOWN one is silent)
 * without a lookup each. Thread-safe.
 */
@Singleton
public final class HostDirectory {
  static final Duration REFRESH = Duration.ofSeconds(5);

  /** A host's status and when its last heartbeat was applied. */
  private record Seen(HostStatus status, Instant lastHeartbeatAt) {}

  private record Snapshot(Map<String, Seen> hosts, Instant takenAt) {}

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
    Seen seen = hosts().get(hostId);
    return seen == null ? null : seen.status() != HostStatus.DOWN;
  }

  /**
   * When a DOWN host's last heartbeat was applied (it has been silent since); null when the host is
   * not DOWN, unknown, or never beat.
   */
  public Instant silentSince(String hostId) {
    Seen seen = hosts().get(hostId);
    return seen == null || seen.status() != HostStatus.DOWN ? null : seen.lastHeartbeatAt();
  }

  private Map<String, Seen> hosts() {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (current == null || current.takenAt().isBefore(now.minus(REFRESH))) {
      Map<String, Seen> seen = new HashMap<>();
      hosts.all().forEach(h -> seen.put(h.hostId(), new Seen(h.status(), h.lastHeartbeatAt())));
      current = new Snapshot(Map.copyOf(seen), now);
      snapshot = current;
    }
    return current.hosts();
  }
}
