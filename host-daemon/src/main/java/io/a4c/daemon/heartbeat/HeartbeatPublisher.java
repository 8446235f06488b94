package io.a4c.daemon.heartbeat;

import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import java.time.Duration;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat now and then every interval. A failed beat is logged and skipped; the next one
 * carries the newer state anyway.
 */
@Singleton
public final class HeartbeatPublisher {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

  private final HostSnapshot snapshot;
  private final HostEventPublisher events;
  private final Duration interval;
  private final String hostId;

  @Inject
  public HeartbeatPublisher(HostSnapshot snapshot, HostEventPublisher events, DaemonConfig config) {
    this.snapshot = snapshot;
    this.events = events;
    this.interval = config.heartbeatInterval();
    this.hostId = config.hostId();
  }

  /** The time between beats. */
  public Duration interval() {
    return interval;
  }

  /** Sends one heartbeat; never throws. */
  public void beat() {
    try {
      events.publish(snapshot.take());
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("hostId", hostId).setCause(e).log("heartbeat not sent");
    }
  }
}
