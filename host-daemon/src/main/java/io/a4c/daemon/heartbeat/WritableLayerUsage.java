package io.a4c.daemon.heartbeat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.config.DaemonConfig;
import java.util.List;
import java.util.Objects;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the containers' writable layers hold on this host, measured apart from the heartbeat. Docker
 * computes a container's size by walking its writable layer, which takes seconds on a host whose
 * workspaces hold large source trees; a heartbeat that waited for it would arrive late, and a late
 * beat looks like a dead host. So the daemon measures on its inventory thread, once at start and
 * then every reconcile interval, and each beat reports the last measurement. Thread-safe.
 */
@Singleton
public final class WritableLayerUsage {
  private static final Logger log = LoggerFactory.getLogger(WritableLayerUsage.class);

  private final DockerClient docker;
  private final String hostId;
  private volatile long bytes;

  @Inject
  public WritableLayerUsage(DockerClient docker, DaemonConfig config) {
    this.docker = docker;
    this.hostId = config.hostId();
  }

  /**
   * Measures now; on failure keeps the last measurement and logs. Never throws.
   *
   * @return the containers measured, each with its writable layer's size ({@code SizeRw}), for the
   *     per-workspace disk limit; empty when the measurement failed
   */
  public List<Container> measure() {
    try {
      var containers = docker.listContainersCmd().withShowAll(true).withShowSize(true).exec();
      bytes =
          containers.stream().mapToLong(c -> Objects.requireNonNullElse(c.getSizeRw(), 0L)).sum();
      return containers;
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("hostId", hostId)
          .setCause(e)
          .log("writable layers not measured; the last measurement stands");
      return List.of();
    }
  }

  /** The bytes the last measurement found (0 before the first). */
  public long bytes() {
    return bytes;
  }
}
