package io.a4c.functions.hosts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Which hosts are reachable, and which hold an image, read at most every few seconds per function
 * instance: workspace reads show whether their host is up (and since when a DOWN one is silent),
 * from the hosts table, and build reads which hosts hold a build's image ({@link HostImageStore}),
 * without a read of either table each. Thread-safe.
 */
@Singleton
public final class HostDirectory {
  static final Duration REFRESH = Duration.ofSeconds(5);

  private record Snapshot(Map<String, Host> hosts, Instant takenAt) {}

  /** An image's holders as read at {@code takenAt}. */
  private record Held(List<String> hosts, Instant takenAt) {}

  /** Images whose holders are kept at most; past it the cache starts over. */
  private static final int HELD_KEPT = 1_000;

  private final HostStore hosts;
  private final HostImageStore images;
  private final Clock clock;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private volatile Snapshot snapshot;

  @Inject
  public HostDirectory(HostStore hosts, HostImageStore images, Clock clock) {
    this.hosts = hosts;
    this.images = images;
    this.clock = clock;
  }

  /**
   * Forgets what was read, so the next question reads the hosts table: for the sweeper, which must
   * not judge work by a view up to {@link #REFRESH} old (a host's latest {@link Host#workingOn}).
   */
  public void refresh() {
    snapshot = null;
  }

  /** Whether the host heartbeats (not DOWN); null when the host is unknown. */
  public Boolean reachable(String hostId) {
    Host seen = current().hosts().get(hostId);
    return seen == null ? null : seen.status() != HostStatus.DOWN;
  }

  /**
   * When a DOWN host's last heartbeat was applied (it has been silent since); null when the host is
   * not DOWN, unknown, or never beat.
   */
  public Instant silentSince(String hostId) {
    Host seen = current().hosts().get(hostId);
    return seen == null || seen.status() != HostStatus.DOWN ? null : seen.lastHeartbeatAt();
  }

  /**
   * Whether the host had {@code workspaceId}'s command in hand ({@link Host#inHandSince}): the host
   * is working on it, and was lately. False for an unknown host.
   */
  public boolean inHand(String hostId, String workspaceId, Instant since) {
    Host seen = current().hosts().get(hostId);
    return seen != null && seen.inHandSince(since).contains(workspaceId);
  }

  /**
   * The ids of the hosts whose last heartbeat (as read at most {@link #REFRESH} ago) lists {@code
   * imageRef}, sorted; none for a null reference. For display: a heartbeat is itself seconds old.
   */
  public List<String> holders(String imageRef) {
    if (imageRef == null) {
      return List.of();
    }
    Instant now = clock.instant();
    Held seen = held.get(imageRef);
    if (seen == null || seen.takenAt().isBefore(now.minus(REFRESH))) {
      seen = new Held(images.holders(imageRef).stream().sorted().toList(), now);
      if (held.size() >= HELD_KEPT) {
        held.clear();
      }
      held.put(imageRef, seen);
    }
    return seen.hosts();
  }

  private Snapshot current() {
    Snapshot current = snapshot;
    Instant now = clock.instant();
    if (current == null || current.takenAt().isBefore(now.minus(REFRESH))) {
      Map<String, Host> seen = new HashMap<>();
      hosts.all().forEach(h -> seen.put(h.hostId(), h));
      current = new Snapshot(Map.copyOf(seen), now);
      snapshot = current;
    }
    return current;
  }
}
