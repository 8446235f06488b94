package io.a4c.daemon.idle;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.daemon.workspaces.ContainerOwners;
import io.a4c.daemon.workspaces.WorkspaceLocks;
import io.a4c.daemon.workspaces.WorkspaceProvisioner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops workspaces nobody uses: every {@link DaemonConfig#idleCheckInterval()} it looks at each
 * running container whose idle-stop label is above 0 (but a warm pool member nobody claimed yet).
 * One with an established SSH session (read from the TCP tables inside it) or CPU use since the
 * last look above {@link DaemonConfig#idleCpuPercent()} is in use now; one unused for its idle
 * minutes is stopped as a stop command would (reported STOPPED, "idle", no operation). A workspace
 * whose SSH sessions cannot be read counts as in use, so one with a live session is never stopped;
 * one busy with a command is left for the next look. When a workspace was last in use is kept in
 * memory only: after a daemon restart its idle time counts from the first look.
 */
@Singleton
public final class IdleWatcher {
  private static final Logger log = LoggerFactory.getLogger(IdleWatcher.class);
  private static final int SSH_PORT = 22;

  private final DockerWorkspaceRuntime docker;
  private final WorkspaceProvisioner provisioner;
  private final WorkspaceLocks locks;
  private final ContainerOwners owners;
  private final Clock clock;
  private final Duration interval;
  private final int cpuPercent;
  private final Map<String, IdleActivity.Watch> watches = new ConcurrentHashMap<>();

  @Inject
  public IdleWatcher(
      DockerWorkspaceRuntime docker,
      WorkspaceProvisioner provisioner,
      WorkspaceLocks locks,
      Clock clock,
      DaemonConfig config,
      ContainerOwners owners) {
    this.owners = owners;
    this.docker = docker;
    this.provisioner = provisioner;
    this.locks = locks;
    this.clock = clock;
    this.interval = config.idleCheckInterval();
    this.cpuPercent = config.idleCpuPercent();
  }

  /** The time between looks. */
  public Duration interval() {
    return interval;
  }

  /**
   * When the watcher last saw the workspace's container {@code containerId} in use; null when it
   * does not watch it (stopped, no idle stop, or not looked at yet).
   */
  public Instant lastActiveAt(String workspaceId, String containerId) {
    var watch = watches.get(workspaceId);
    return watch != null && watch.containerId().equals(containerId) ? watch.lastActiveAt() : null;
  }

  /** Looks at every watched container once, in parallel; never throws. */
  public void check() {
    try {
      Map<String, Container> watched =
          docker.managedContainers().stream()
              .filter(c -> "running".equals(c.getState()))
              .filter(c -> ContainerLabels.idleStopMinutes(c.getLabels()) > 0)
              .filter(c -> c.getLabels().get(ContainerLabels.WORKSPACE_ID) != null)
              .filter(c -> !owners.unclaimed(c))
              .collect(
                  Collectors.toMap(
                      c -> c.getLabels().get(ContainerLabels.WORKSPACE_ID), c -> c, (a, b) -> a));
      watches.keySet().retainAll(watched.keySet());
      List<Thread> looks = new ArrayList<>();
      watched.forEach(
          (workspaceId, container) ->
              looks.add(
                  Thread.ofVirtual()
                      .name("idle-look")
                      .start(() -> lookQuietly(workspaceId, container))));
      for (Thread look : looks) {
        look.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("idle check failed");
    }
  }

  private void lookQuietly(String workspaceId, Container container) {
    try {
      if (!locks.tryWith(workspaceId, () -> look(workspaceId, container))) {
        log.atDebug()
            .addKeyValue("workspaceId", workspaceId)
            .log("busy with a command; looked at next time");
      }
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspaceId)
          .setCause(e)
          .log("idle look failed; tried again next time");
    }
  }

  /** One look, holding the workspace's lock. */
  private void look(String workspaceId, Container container) {
    String containerId = container.getId();
    var inspected = docker.inspect(containerId);
    if (inspected.isEmpty()
        || inspected.get().getState() == null
        || !Boolean.TRUE.equals(inspected.get().getState().getRunning())) {
      watches.remove(workspaceId);
      return;
    }
    Instant startedAt = DockerWorkspaceRuntime.instant(inspected.get().getState().getStartedAt());
    boolean session;
    try {
      String tables = docker.execOutput(containerId, "cat", "/proc/net/tcp", "/proc/net/tcp6");
      // No table header (no cat, an exec the engine refused), or output cut short: unknown, so in
      // use — a live session must never be taken for none.
      session =
          !tables.contains("local_address")
              || tables.length() >= DockerWorkspaceRuntime.EXEC_OUTPUT_LIMIT
              || TcpSessions.established(tables, SSH_PORT) > 0;
    } catch (StepFailure e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspaceId)
          .log("SSH sessions unreadable ({}); counted as in use", e.getMessage());
      session = true;
    }
    var cpu = docker.cpuUsageNanos(containerId);
    Instant now = clock.instant();
    var watch =
        IdleActivity.look(
            watches.get(workspaceId), containerId, startedAt, now, session, cpu, cpuPercent);
    int minutes = ContainerLabels.idleStopMinutes(container.getLabels());
    if (!IdleActivity.idleLongEnough(watch, minutes, now)) {
      watches.put(workspaceId, watch);
      return;
    }
    log.atInfo()
        .addKeyValue("workspaceId", workspaceId)
        .addKeyValue("lastActiveAt", watch.lastActiveAt())
        .addKeyValue("idleStopMinutes", minutes)
        .log("idle: stopping the workspace");
    provisioner.stopIdle(container);
    watches.remove(workspaceId);
  }
}
