package io.a4c.daemon.reconcile;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.idle.IdleWatcher;
import io.a4c.daemon.workspaces.ContainerOwners;
import io.a4c.daemon.workspaces.HostnameEntries;
import io.a4c.events.HostInventory;
import io.a4c.events.Names;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's half of reconciliation (the seed's cleanup daemon): reports every container labelled
 * as A4C's with its address, whether its hostname entry is in place and when it was last in use
 * (for the idle watcher's workspaces), and every A4C home volume, so the events consumer can
 * compare them with the records placed here, send back what to remove and correct a recorded
 * address; drops hostname entries whose container is gone or stopped; and points an entry at its
 * container's address when the engine gave the container a new one (dockerd restarts a workspace
 * container that was running when dockerd stopped, and the default bridge may hand it another
 * address). It never starts or stops a container. The daemon has no database access: what to do
 * about records is decided centrally.
 */
@Singleton
public final class InventoryPublisher {
  private static final Logger log = LoggerFactory.getLogger(InventoryPublisher.class);

  private final DockerWorkspaceRuntime docker;
  private final HostnameEntries hostnames;
  private final HostEventPublisher events;
  private final Clock clock;
  private final String hostId;
  private final Duration interval;
  private final java.util.Map<String, Instant> volumesFirstSeen =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * When each stopped container stopped, by container id: it changes only after the container runs
   * again (which drops it here), so each stop costs one inspect, not one per inventory.
   */
  private final java.util.Map<String, Instant> stoppedContainers =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final IdleWatcher idle;
  private final ContainerOwners owners;

  @Inject
  public InventoryPublisher(
      DockerWorkspaceRuntime docker,
      HostnameEntries hostnames,
      HostEventPublisher events,
      Clock clock,
      DaemonConfig config,
      IdleWatcher idle,
      ContainerOwners owners) {
    this.owners = owners;
    this.idle = idle;
    this.docker = docker;
    this.hostnames = hostnames;
    this.events = events;
    this.clock = clock;
    this.hostId = config.hostId();
    this.interval = config.reconcileInterval();
  }

  /** The time between inventories. */
  public Duration interval() {
    return interval;
  }

  /** Takes and sends one inventory; never throws. */
  public void publish() {
    try {
      // Dated when the engine was asked, not when the inventory is sent: inspecting stopped
      // containers and listing homes take a while on a busy engine, and the control plane leaves
      // alone whatever changed less than its grace before this instant.
      Instant taken = clock.instant();
      List<HostInventory.Entry> entries = new ArrayList<>();
      Map<String, String> owned = new HashMap<>();
      Set<String> present = new HashSet<>();
      var entriesNow = hostnames.all();
      var containers = docker.managedContainers();
      Set<String> containerIds =
          containers.stream().map(Container::getId).collect(Collectors.toSet());
      stoppedContainers.keySet().retainAll(containerIds);
      owners.forgetAllBut(containerIds);
      for (Container container : containers) {
        Map<String, String> labels = container.getLabels();
        String workspaceId = labels == null ? null : labels.get(ContainerLabels.WORKSPACE_ID);
        String userId = owners.of(container);
        if (userId == null && ContainerOwners.leaving(container)) {
          log.atInfo()
              .addKeyValue("containerId", container.getId())
              .addKeyValue("state", container.getState())
              .log("pool member on its way out of the engine left out of the inventory");
          continue;
        }
        if (workspaceId == null
            || userId == null
            || !Names.WORKSPACE_ID.matcher(workspaceId).matches()
            || !Names.USER_ID.matcher(userId).matches()) {
          log.atWarn()
              .addKeyValue("containerId", container.getId())
              .log("A4C-labelled container with malformed labels ignored");
          continue;
        }
        present.add(workspaceId);
        String ip =
            "running".equals(container.getState())
                ? DockerWorkspaceRuntime.ipOf(container).orElse(null)
                : null;
        var entry = entriesNow.get(workspaceId);
        boolean registered = ip != null && entry != null;
        if (registered && !ip.equals(entry.ip())) {
          hostnames.put(workspaceId, ip, entry.hostname());
          log.atWarn()
              .addKeyValue("workspaceId", workspaceId)
              .addKeyValue("was", entry.ip())
              .addKeyValue("ip", ip)
              .log("hostname entry moved to the container's new address");
        }
        entries.add(
            new HostInventory.Entry(
                workspaceId,
                userId,
                container.getId(),
                container.getState(),
                Instant.ofEpochSecond(container.getCreated()),
                ip,
                registered,
                ip == null ? null : idle.lastActiveAt(workspaceId, container.getId()),
                finishedAt(container),
                labels.get(ContainerLabels.POOL)));
        owned.put(workspaceId, userId);
      }
      for (String workspaceId : entriesNow.keySet()) {
        if (!present.contains(workspaceId)) {
          hostnames.remove(workspaceId);
          log.atInfo()
              .addKeyValue("workspaceId", workspaceId)
              .log("hostname entry without a container removed");
        }
      }
      // A handoff directory whose container was never made (a crash between the two) goes too.
      docker
          .handoff()
          .sweep(
              containers.stream()
                  .map(Container::getLabels)
                  .filter(java.util.Objects::nonNull)
                  .map(l -> l.get(ContainerLabels.WORKSPACE_ID))
                  .filter(java.util.Objects::nonNull)
                  .collect(java.util.stream.Collectors.toSet()),
              clock.instant());
      events.publish(HostInventory.of(hostId, entries, taken, homes(owned)));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("hostId", hostId).setCause(e).log("inventory not sent");
    }
  }

  /**
   * When a container that is not running stopped, as the engine says; null when unknown. A stopped
   * container keeps its hostname entry here: the stop that stopped it removes it, and a container
   * the engine restarts (restart policy) moves it on.
   */
  private Instant finishedAt(Container container) {
    if ("running".equals(container.getState())) {
      stoppedContainers.remove(container.getId());
      return null;
    }
    // An unknown time (null) is not kept: the next inventory asks again.
    return stoppedContainers.computeIfAbsent(container.getId(), this::inspectFinishedAt);
  }

  private Instant inspectFinishedAt(String containerId) {
    try {
      return docker
          .inspect(containerId)
          .map(c -> c.getState() == null ? null : c.getState().getFinishedAt())
          .map(DockerWorkspaceRuntime::instant)
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The A4C home volumes on the engine, with the workspace and user their labels name; a claimed
   * warm pool member's home (labelled unclaimed for good) with its container's owner, from {@code
   * owned}: the user of each container listed, by workspace id.
   */
  private List<HostInventory.Home> homes(Map<String, String> owned) {
    List<HostInventory.Home> homes = new ArrayList<>();
    var volumes = docker.homeVolumes();
    volumesFirstSeen.keySet().retainAll(volumes.stream().map(v -> v.name()).toList());
    for (var volume : volumes) {
      String workspaceId = volume.labels().get(ContainerLabels.WORKSPACE_ID);
      String userId =
          volume.labels().get(ContainerLabels.POOL) != null && owned.containsKey(workspaceId)
              ? owned.get(workspaceId)
              : volume.labels().get(ContainerLabels.USER_ID);
      // The engine's volume list carries no creation time through docker-java: the first time
      // this daemon saw the volume stands in, which is never earlier than the real one.
      Instant createdAt =
          volume.createdAt() != null
              ? volume.createdAt()
              : volumesFirstSeen.computeIfAbsent(volume.name(), name -> clock.instant());
      if (workspaceId == null
          || userId == null
          || !Names.WORKSPACE_ID.matcher(workspaceId).matches()
          || !Names.USER_ID.matcher(userId).matches()) {
        log.atWarn()
            .addKeyValue("volume", volume.name())
            .log("A4C-labelled volume with malformed labels ignored");
        continue;
      }
      homes.add(new HostInventory.Home(workspaceId, userId, volume.name(), createdAt));
    }
    return homes;
  }
}
