package io.a4c.functions.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Which hosts are reachable, and which images each holds, read from the hosts table at most every
 * few seconds per function instance: workspace reads show whether their host is up (and since when
 * a DOWN one is silent), and build reads which hosts hold a build's image, without a scan of the
 * table each. Thread-safe.
 */
@Singleton
public final class HostDirectory {
  static final Duration REFRESH = Duration.ofSeconds(5);

  /** A host's status and when its last heartbeat was applied. */
  private record Seen(HostStatus status, Instant lastHeartbeatAt) {}

  private record Snapshot(List<Host> all, Map<String, Seen> hosts, Instant takenAt) {}

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
    Seen seen = current().hosts().get(hostId);
    return seen == null ? null : seen.status() != HostStatus.DOWN;
  }

  /**
   * When a DOWN host's last heartbeat was applied (it has been silent since); null when the host is
   * not DOWN, unknown, or never beat.
   */
  public Instant silentSince(String hostId) {
    Seen seen = current().hosts().get(hostId);
    return seen == null || seen.status() != HostStatus.DOWN ? null : seen.lastHeartbeatAt();
  }

  /**
   * The ids of the hosts whose last heartbeat (as read at most {@link #REFRESH} ago) lists {@code
   * imageRef}, sorted; none for a null reference. For display: a heartbeat is itself seconds old.
   */
  public List<String> holders(String imageRef) {
    if (imageRef == null) {
      return List.of();
    }
    return current().all().stream()
        .filter(h -> h.images().contains(imageRef))
        .map(Host::hostId)
        .sorted()
        .toList();
  }

  private Snapshot current() {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (current == null || current.takenAt().isBefore(now.minus(REFRESH))) {
      List<Host> all = hosts.all();
      Map<String, Seen> seen = new HashMap<>();
      all.forEach(h -> seen.put(h.hostId(), new Seen(h.status(), h.lastHeartbeatAt())));
      current = new Snapshot(all, Map.copyOf(seen), now);
      snapshot = current;
    }
    return current;
  }
}
