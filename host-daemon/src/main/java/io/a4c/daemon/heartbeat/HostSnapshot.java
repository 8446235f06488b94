package io.a4c.daemon.heartbeat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import io.a4c.daemon.commands.CommandsInHand;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.images.ContainerImage;
import io.a4c.daemon.images.EngineImages;
import io.a4c.daemon.images.HeartbeatImages;
import io.a4c.daemon.images.HeldImage;
import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reads what a heartbeat reports from the engine. Disk in use is what Docker holds on this host —
 * image sizes plus containers' writable layers — the part A4C's own placements change; the total is
 * the size of the filesystem under Docker's data root, when the daemon can see it. The writable
 * layers are the last {@link WritableLayerUsage} measurement, never measured here: everything a
 * beat asks the engine for is cheap, so a beat is never late for a slow measurement. The images are
 * a bounded selection, {@link HeartbeatImages}, not every tag the engine holds.
 *
 * <p>A beat asks the engine two questions at once, its images and its containers, so a busy engine
 * (a burst of builds) delays it by the slower answer, not by their sum. The images come from {@link
 * EngineImages}, which asks again only when the engine has announced a change. The engine's
 * architecture and data root, which do not change while it runs, are asked once ({@code info}, the
 * costliest of the three) and kept. A beat also lists the workspaces whose commands are in hand
 * ({@link CommandsInHand}), so the sweeper does not take a slow create for a lost one.
 */
@Singleton
public final class HostSnapshot {
  private final DockerClient docker;
  private final EngineImages images;
  private final WritableLayerUsage layers;
  private final DaemonConfig config;
  private final Clock clock;
  private final CommandsInHand inHand;
  private volatile Engine engine;

  /** What the engine's {@code info} says that a beat needs: fixed while the engine runs. */
  private record Engine(Arch arch, String dataRoot) {}

  @Inject
  public HostSnapshot(
      DockerClient docker,
      EngineImages images,
      WritableLayerUsage layers,
      DaemonConfig config,
      Clock clock,
      CommandsInHand inHand) {
    this.inHand = inHand;
    this.docker = docker;
    this.images = images;
    this.layers = layers;
    this.config = config;
    this.clock = clock;
  }

  /** A heartbeat describing the host now. */
  public Heartbeat take() {
    Engine engine = engine();
    var containersCall =
        new FutureTask<List<Container>>(() -> docker.listContainersCmd().withShowAll(true).exec());
    Thread.ofVirtual().name("heartbeat-containers-" + config.hostId()).start(containersCall);
    List<Image> images = this.images.list();
    List<Container> containers = answer(containersCall);
    long imageBytes =
        images.stream().mapToLong(i -> Objects.requireNonNullElse(i.getSize(), 0L)).sum();
    long layerBytes = layers.bytes();
    var tags =
        HeartbeatImages.select(
            images.stream().map(HeldImage::of).toList(),
            containers.stream().map(ContainerImage::of).toList(),
            config.imageRepository(),
            HeartbeatImages.MAX);
    int running =
        (int)
            containers.stream()
                .filter(
                    c ->
                        c.getLabels() != null
                            && "true".equals(c.getLabels().get(ContainerLabels.MANAGED)))
                .filter(c -> "running".equals(c.getState()))
                .count();
    return Heartbeat.of(
            config.hostId(),
            engine.arch(),
            imageBytes + layerBytes,
            totalBytes(engine.dataRoot()),
            tags,
            config.capacity(),
            running,
            clock.instant())
        .withWorkingOn(inHand.list(Heartbeat.MAX_WORKING_ON));
  }

  private Engine engine() {
    Engine known = engine;
    if (known == null) {
      var info = docker.infoCmd().exec();
      known = new Engine(Arch.parse(info.getArchitecture()), info.getDockerRootDir());
      engine = known;
    }
    return known;
  }

  /** The call's answer, or what it threw. */
  private static <T> T answer(FutureTask<T> call) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the engine for its containers", e);
    }
  }

  /**
   * The size of the filesystem under Docker's data root {@code dataRoot}; 0 when this process
   * cannot see it (a remote engine's).
   */
  public static long totalBytes(String dataRoot) {
    try {
      return dataRoot == null ? 0 : Files.getFileStore(Path.of(dataRoot)).getTotalSpace();
    } catch (IOException | SecurityException e) {
      return 0; // a remote engine's data root is not visible here; placement then ignores the share
    }
  }
}
