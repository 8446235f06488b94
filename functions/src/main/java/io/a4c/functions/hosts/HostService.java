package io.a4c.functions.hosts;

import io.a4c.events.Heartbeat;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What hosts report about themselves, and what admins see of them. */
@Singleton
public final class HostService {
  private static final Logger log = LoggerFactory.getLogger(HostService.class);

  private final HostStore hosts;

  @Inject
  public HostService(HostStore hosts) {
    this.hosts = hosts;
  }

  /** Records a heartbeat; an older one than stored is dropped. */
  public void recordHeartbeat(Heartbeat beat) {
    if (!hosts.applyHeartbeat(beat)) {
      log.atDebug().addKeyValue("hostId", beat.hostId()).log("stale heartbeat dropped");
    }
  }

  /** Every host. */
  public List<Host> list() {
    return hosts.all();
  }
}
