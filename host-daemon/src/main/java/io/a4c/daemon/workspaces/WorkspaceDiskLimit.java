package io.a4c.daemon.workspaces;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.ContainerLabels;
import java.util.List;
import java.util.Locale;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one workspace from filling its host's disk: a running workspace whose writable layer (what
 * it wrote outside its home volume) holds more than {@link DaemonConfig#workspaceDiskLimitBytes()}
 * is stopped as an idle one would be, reported STOPPED with {@code stoppedReason} "disk-limit" and
 * a reason giving the sizes. The sizes are the inventory thread's measurement ({@code
 * WritableLayerUsage}), so nothing is measured twice; the engine's own quota ({@code --storage-opt
 * size}) is not used because overlay2 has one only on xfs with project quotas. A workspace busy
 * with a command is left for the next measurement. A warm pool member nobody claimed is no one's
 * work: it is left running (what it holds is its project's image and setup, as every member's and
 * workspace's of that image does), as the idle check leaves it. Thread-safe.
 */
@Singleton
public final class WorkspaceDiskLimit {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceDiskLimit.class);

  private final WorkspaceProvisioner provisioner;
  private final WorkspaceLocks locks;
  private final ContainerOwners owners;
  private final long limitBytes;

  @Inject
  public WorkspaceDiskLimit(
      WorkspaceProvisioner provisioner,
      WorkspaceLocks locks,
      ContainerOwners owners,
      DaemonConfig config) {
    this.provisioner = provisioner;
    this.locks = locks;
    this.owners = owners;
    this.limitBytes = config.workspaceDiskLimitBytes();
  }

  /**
   * Stops the running workspaces among {@code measured} (containers listed with their sizes) whose
   * writable layer is over the limit; never throws.
   *
   * @return how many it stopped
   */
  public int enforce(List<Container> measured) {
    if (limitBytes == 0) {
      return 0;
    }
    int stopped = 0;
    for (Container container : measured) {
      var labels = container.getLabels();
      String workspaceId = labels == null ? null : labels.get(ContainerLabels.WORKSPACE_ID);
      Long size = container.getSizeRw();
      if (workspaceId == null
          || !"true".equals(labels.get(ContainerLabels.MANAGED))
          || !"running".equals(container.getState())
          || size == null
          || size <= limitBytes
          || owners.unclaimed(container)) {
        continue;
      }
      try {
        if (locks.tryWith(workspaceId, () -> stop(workspaceId, container, size))) {
          stopped++;
        }
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("workspaceId", workspaceId)
            .setCause(e)
            .log("workspace over its disk limit not stopped; tried again at the next measurement");
      }
    }
    return stopped;
  }

  private void stop(String workspaceId, Container container, long size) {
    log.atWarn()
        .addKeyValue("workspaceId", workspaceId)
        .addKeyValue("writableLayerBytes", size)
        .addKeyValue("limitBytes", limitBytes)
        .log("over the disk limit: stopping the workspace");
    provisioner.stopOverDiskLimit(
        container,
        "its files outside /home (the container's writable layer) hold "
            + size(size)
            + ", over this host's limit of "
            + size(limitBytes)
            + " per workspace. Rebuild it for a fresh container from its image (your home is kept),"
            + " or start it and remove what you do not need at once; keep large files in /home");
  }

  /** A size in GB with one decimal, or in MB below 1 GB (10^9 bytes). */
  static String size(long bytes) {
    return bytes >= 1_000_000_000L
        ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
        : String.format(Locale.ROOT, "%d MB", bytes / 1_000_000L);
  }
}
