package io.a4c.daemon;

import com.github.dockerjava.api.DockerClient;
import io.a4c.daemon.aws.CommandQueue;
import io.a4c.daemon.commands.HostCommandConsumer;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.daemon.heartbeat.HeartbeatPublisher;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.idle.IdleWatcher;
import io.a4c.daemon.images.EngineImages;
import io.a4c.daemon.reconcile.ImageCollector;
import io.a4c.daemon.reconcile.InventoryPublisher;
import io.a4c.daemon.workspaces.WorkspaceDiskLimit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's daemon: checks its engine, makes sure its workspace network (when the host has a
 * routed subnet) and its command queue exist, heartbeats, takes inventories, stops idle workspaces
 * and those over their disk limit, collects old builds' images and consumes commands until closed.
 * Start once; close stops the loops and waits for the work in hand.
 */
public final class HostDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostDaemon.class);

  private final DaemonConfig config;
  private final DockerClient docker;
  private final CommandQueue queue;
  private final HeartbeatPublisher heartbeat;
  private final HostCommandConsumer consumer;
  private final InventoryPublisher inventory;
  private final WritableLayerUsage layers;
  private final WorkspaceNetwork network;
  private final ScheduledExecutorService beats;
  private final ScheduledExecutorService inventories;
  private final ScheduledExecutorService idleChecks;
  private final IdleWatcher idle;
  private final ScheduledExecutorService imageCollections;
  private final ImageCollector images;
  private final EngineImages engineImages;
  private final WorkspaceDiskLimit diskLimit;
  private volatile boolean running;
  private Thread loop;

  @Inject
  HostDaemon(
      DaemonConfig config,
      DockerClient docker,
      CommandQueue queue,
      HeartbeatPublisher heartbeat,
      HostCommandConsumer consumer,
      InventoryPublisher inventory,
      WritableLayerUsage layers,
      WorkspaceNetwork network,
      IdleWatcher idle,
      ImageCollector images,
      EngineImages engineImages,
      WorkspaceDiskLimit diskLimit) {
    this.diskLimit = diskLimit;
    this.engineImages = engineImages;
    this.config = config;
    this.images = images;
    this.idle = idle;
    this.network = network;
    this.inventory = inventory;
    this.layers = layers;
    this.docker = docker;
    this.queue = queue;
    this.heartbeat = heartbeat;
    this.consumer = consumer;
    this.beats =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("heartbeat-" + config.hostId()).factory());
    // Its own thread: a slow inventory must never delay a heartbeat (a late beat looks like death).
    this.inventories =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("inventory-" + config.hostId()).factory());
    // And the idle watcher its own: its looks (an exec and a stats sample per workspace) take time.
    this.idleChecks =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("idle-" + config.hostId()).factory());
    // And the image collection its own: removing many images takes a while.
    this.imageCollections =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("images-" + config.hostId()).factory());
  }

  /**
   * Starts heartbeating and consuming.
   *
   * @throws IllegalStateException when the Docker engine does not answer
   */
  public synchronized void start() {
    try {
      docker.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "host "
              + config.hostId()
              + ": the Docker engine at "
              + config.dockerHost()
              + " does not answer; is dockerd running?",
          e);
    }
    network.ensure();
    queue.ensureExists();
    running = true;
    // The beats and the image collection list the engine's images again only on its image events.
    engineImages.start();
    layers.measure();
    heartbeat.beat();
    beats.scheduleAtFixedRate(
        heartbeat::beat,
        heartbeat.interval().toMillis(),
        heartbeat.interval().toMillis(),
        TimeUnit.MILLISECONDS);
    // Reconcile right after a (re)start, then on the interval; measure the writable layers (slow
    // on a busy host) on this thread too, never on the heartbeat's.
    inventories.scheduleWithFixedDelay(
        () -> {
          inventory.publish();
          // The same measurement stops a workspace over its disk limit.
          diskLimit.enforce(layers.measure());
        },
        0,
        inventory.interval().toMillis(),
        TimeUnit.MILLISECONDS);
    idleChecks.scheduleWithFixedDelay(
        idle::check, idle.interval().toMillis(), idle.interval().toMillis(), TimeUnit.MILLISECONDS);
    // After the first measurement of the writable layers, which the disk use adds.
    imageCollections.scheduleWithFixedDelay(
        images::collect,
        images.interval().toMillis(),
        images.interval().toMillis(),
        TimeUnit.MILLISECONDS);
    loop = Thread.ofPlatform().name("commands-" + config.hostId()).start(this::consume);
    log.atInfo()
        .addKeyValue("hostId", config.hostId())
        .addKeyValue("dockerHost", config.dockerHost())
        .log("host daemon started");
  }

  /** Sends one heartbeat now (besides the schedule). */
  public void beatNow() {
    heartbeat.beat();
  }

  public String hostId() {
    return config.hostId();
  }

  private void consume() {
    while (running) {
      try {
        consumer.pollOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (running) {
          log.atWarn()
              .addKeyValue("hostId", config.hostId())
              .setCause(e)
              .log("command poll failed; retrying");
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    beats.shutdownNow();
    inventories.shutdownNow();
    idleChecks.shutdownNow();
    imageCollections.shutdownNow();
    engineImages.close();
    if (loop != null) {
      try {
        loop.join(config.pollWait().plusSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    consumer.close();
    log.atInfo().addKeyValue("hostId", config.hostId()).log("host daemon stopped");
  }
}
