package io.a4c.functions.hosts;

import io.a4c.events.Heartbeat;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.time.Clock;
import java.time.Instant;
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
  private final HostImageStore images;
  private final AuditLog audit;
  private final Clock clock;

  /** Hosts whose item this instance has seen or written: their heartbeats are not their first. */
  private final java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Inject
  public HostService(HostStore hosts, HostImageStore images, AuditLog audit, Clock clock) {
    this.hosts = hosts;
    this.images = images;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Records a heartbeat, stamped with this side's clock (liveness never trusts the host's); an
   * older one than stored (by the host's {@code sentAt}) is dropped. When its image list is not the
   * one the host's image items say (or they were written long ago), they are written from it
   * ({@link HostImageStore#index}); one that fails is logged and left to the host's next heartbeat,
   * which finds the items not marked as its list (a redelivery of this one would change nothing: it
   * is applied already). A host's first heartbeat writes its image items before the host's item, so
   * that no create finds the host without its images.
   */
  public void recordHeartbeat(Heartbeat beat) {
    Instant now = clock.instant();
    // A host's first heartbeat: its images go in before the host does, so that placement never
    // finds it without them (a create right after a host joins would find no holder). Asked once
    // per host and function instance: a host seen is never new again.
    boolean first = !known.contains(beat.hostId()) && !hosts.exists(beat.hostId());
    if (first) {
      images.index(beat, now);
    }
    var applied = hosts.apply(beat, now);
    known.add(beat.hostId());
    if (!applied.applied()) {
      if (first) {
        hosts.imagesRaced(beat.hostId()); // another first beat, newer, came in meanwhile
      }
      log.atDebug().addKeyValue("hostId", beat.hostId()).log("stale heartbeat dropped");
      return;
    }
    if (first
        || HostImageStore.due(beat, applied.imagesIndexed(), applied.imagesIndexedAt(), now)) {
      try {
        if (!first) {
          images.index(beat, now);
        }
        if (!hosts.markImagesIndexed(beat, HostImageStore.digest(beat.images()), now)) {
          // A newer beat was applied while these items were written: it may have read the items
          // before them, or not indexed at all, and marked its list as indexed.
          hosts.imagesRaced(beat.hostId());
        }
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("hostId", beat.hostId())
            .setCause(e)
            .log("host's image list not indexed; its next heartbeat tries again");
      }
    }
  }

  /** Every host, with the images it holds (one query each, at once: an admin's view). */
  public List<Host> list() {
    var reads = new io.a4c.functions.dynamo.Parallel();
    var withImages =
        hosts.all().stream()
            .map(h -> reads.start(() -> h.withImages(images.imagesOf(h.hostId()))))
            .toList();
    reads.await();
    return withImages.stream().map(io.a4c.functions.dynamo.Parallel.Read::get).toList();
  }

  /**
   * An admin drains a host (no new workspaces; what runs there stays) or makes it ACTIVE again.
   * DOWN is the sweeper's to set and a heartbeat's to clear.
   */
  public Host setStatus(Origin origin, String hostId, HostStatusRequest request) {
    Host host =
        hosts.all().stream()
            .filter(h -> h.hostId().equals(hostId))
            .findFirst()
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.NOT_FOUND, "no host " + hostId, "hostId", "unknown-host"));
    HostStatus to = request.parsed();
    if (host.status() == HostStatus.DOWN) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "host " + hostId + " is DOWN; it becomes ACTIVE by itself when it heartbeats again",
          "status",
          "host-down");
    }
    if (host.status() != to && !hosts.setStatus(hostId, host.status(), to)) {
      throw new ProblemException(
          ProblemType.CONFLICT, "host " + hostId + " changed status meanwhile; try again");
    }
    log.atInfo()
        .addKeyValue("hostId", hostId)
        .addKeyValue("status", to)
        .log("host status set by an admin");
    audit.record(
        origin,
        "host.status",
        null,
        "host:" + hostId,
        java.util.Map.of("from", host.status().name(), "to", to.name()));
    return host.withStatus(to).withImages(images.imagesOf(hostId));
  }
}
