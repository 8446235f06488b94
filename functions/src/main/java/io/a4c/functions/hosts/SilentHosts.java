package io.a4c.functions.hosts;

import io.a4c.functions.config.FunctionsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweeper's part for hosts: marks DOWN a host whose last heartbeat was applied longer than
 * {@code A4C_HOST_DOWN_AFTER_MISSED_BEATS} beats ago. Both times are this side's clock (the time a
 * heartbeat was applied), so a host whose own clock is off is judged by when it was heard, not by
 * what it says the time is. Each mark is conditional on the heartbeat judged, so a beat applied
 * meanwhile wins and two sweeps mark a host once. Thread-safe.
 */
@Singleton
public final class SilentHosts {
  private static final Logger log = LoggerFactory.getLogger(SilentHosts.class);

  private final HostStore hosts;
  private final Clock clock;
  private final Duration downAfter;

  @Inject
  public SilentHosts(HostStore hosts, Clock clock, FunctionsConfig config) {
    this.hosts = hosts;
    this.clock = clock;
    this.downAfter = config.hostDownAfter();
  }

  /** Marks the silent hosts DOWN; how many this call marked. */
  public int markDown() {
    Instant now = clock.instant();
    int down = 0;
    for (Host host : hosts.all()) {
      boolean silent =
          host.lastHeartbeatAt() != null && host.lastHeartbeatAt().isBefore(now.minus(downAfter));
      if (silent && host.status() != HostStatus.DOWN && hosts.markDown(host)) {
        down++;
        log.atWarn()
            .addKeyValue("hostId", host.hostId())
            .addKeyValue("lastHeartbeatAt", host.lastHeartbeatAt())
            .log("host marked DOWN");
      }
    }
    return down;
  }
}
