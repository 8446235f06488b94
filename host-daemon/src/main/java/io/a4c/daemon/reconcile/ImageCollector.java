package io.a4c.daemon.reconcile;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.heartbeat.HostSnapshot;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.images.ContainerImage;
import io.a4c.daemon.images.EngineImages;
import io.a4c.daemon.images.HeldImage;
import io.a4c.daemon.images.ImageCollection;
import io.a4c.daemon.registry.ImageRepository;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's image garbage collection, run every reconcile interval on its own thread: when
 * Docker's disk use (the heartbeat's figure: images plus writable layers, against the filesystem
 * under Docker's data root) is above {@code A4C_IMAGE_DISK_BUDGET_PERCENT} — always, when that is 0
 * or the filesystem's size cannot be seen — it removes the builds' images {@link ImageCollection}
 * chooses: in the configured repository, used by no container, not among the newest {@code
 * A4C_IMAGE_KEEP_NEWEST} of their (project, parent, arch). It removes references without force, so
 * the engine itself refuses an image a container took meanwhile; an image with other tags only
 * loses the one. A host without a repository collects nothing. The images it weighs are the
 * heartbeat's listing ({@link EngineImages}), asked again only after the engine announced a change.
 */
@Singleton
public final class ImageCollector {
  private static final Logger log = LoggerFactory.getLogger(ImageCollector.class);

  private final DockerClient docker;
  private final EngineImages engineImages;
  private final WritableLayerUsage layers;
  private final Optional<ImageRepository> repository;
  private final int budgetPercent;
  private final int keepNewest;
  private final Duration interval;
  private final String hostId;

  @Inject
  public ImageCollector(
      DockerClient docker,
      EngineImages engineImages,
      WritableLayerUsage layers,
      DaemonConfig config) {
    this.docker = docker;
    this.engineImages = engineImages;
    this.layers = layers;
    this.repository = config.imageRepository();
    this.budgetPercent = config.imageDiskBudgetPercent();
    this.keepNewest = config.imageKeepNewest();
    this.interval = config.reconcileInterval();
    this.hostId = config.hostId();
  }

  /** The time between collections. */
  public Duration interval() {
    return interval;
  }

  /** Collects once; returns the references removed. Never throws. */
  public List<String> collect() {
    if (repository.isEmpty()) {
      return List.of();
    }
    try {
      var images = engineImages.list();
      long used =
          images.stream().mapToLong(i -> i.getSize() == null ? 0 : i.getSize()).sum()
              + layers.bytes();
      long total = HostSnapshot.totalBytes(docker.infoCmd().exec().getDockerRootDir());
      if (!overBudget(used, total, budgetPercent)) {
        return List.of();
      }
      var containers =
          docker.listContainersCmd().withShowAll(true).exec().stream()
              .map(ContainerImage::of)
              .toList();
      var chosen =
          ImageCollection.removable(
              images.stream().map(HeldImage::of).toList(),
              containers,
              repository.get(),
              keepNewest);
      return chosen.stream().filter(this::remove).toList();
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("hostId", hostId).setCause(e).log("image collection failed");
      return List.of();
    }
  }

  /**
   * Whether {@code used} bytes of {@code total} pass the budget; always when the budget is 0 or the
   * total is unknown (0), so images never grow without bound where the disk cannot be seen.
   */
  static boolean overBudget(long used, long total, int budgetPercent) {
    return budgetPercent == 0 || total <= 0 || used * 100 > total * budgetPercent;
  }

  private boolean remove(String ref) {
    try {
      docker.removeImageCmd(ref).withForce(false).exec();
      log.atInfo().addKeyValue("hostId", hostId).addKeyValue("imageRef", ref).log("image removed");
      return true;
    } catch (ConflictException e) {
      // a container took it since the listing: the engine keeps it, and so do we
      return false;
    } catch (NotFoundException e) {
      return false;
    }
  }
}
