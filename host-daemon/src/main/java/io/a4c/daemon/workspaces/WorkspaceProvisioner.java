package io.a4c.daemon.workspaces;

import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a workspace through its create steps — container create, start, setup, IP, hostname entry —
 * reporting each as it completes, and removes it on delete. A transient failure is retried with
 * backoff after the failed attempt's container and entry are removed, so every attempt starts
 * clean; a permanent one (or too many transient ones) ends FAILED with nothing left behind.
 * Idempotent: a redelivered create of a workspace already complete only reports it again.
 */
@Singleton
public final class WorkspaceProvisioner {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceProvisioner.class);

  private final DockerWorkspaceRuntime docker;
  private final HostnameEntries hostnames;
  private final HostEventPublisher events;
  private final Clock clock;
  private final int attempts;
  private final Duration backoff;
  private final StepObserver observer;
  private final WorkspaceSsh ssh;

  /** Deliveries of one create after which transient failures count as final. */
  static final int MAX_RECEIVES = 5;

  @Inject
  public WorkspaceProvisioner(
      DockerWorkspaceRuntime docker,
      HostnameEntries hostnames,
      HostEventPublisher events,
      Clock clock,
      DaemonConfig config,
      StepObserver observer,
      WorkspaceSsh ssh) {
    this.observer = observer;
    this.ssh = ssh;
    this.docker = docker;
    this.hostnames = hostnames;
    this.events = events;
    this.clock = clock;
    this.attempts = config.createAttempts();
    this.backoff = config.retryBackoff();
  }

  /**
   * Creates the workspace's container and walks it to RUNNING, or to FAILED with the reason.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws RetryLater when every attempt failed for a reason that may pass and the command has
   *     deliveries left: the caller leaves it on the queue
   */
  public void create(CreateWorkspace command, int receiveCount) throws InterruptedException {
    if (alreadyComplete(command)) {
      return;
    }
    report(command, WorkspaceState.CREATING, WorkspaceStep.ACCEPTED, null, null, null);
    StepFailure last = null;
    WorkspaceStep[] reached = {WorkspaceStep.ACCEPTED};
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        cleanUp(command.workspaceId());
        reached[0] = WorkspaceStep.ACCEPTED;
        walk(command, reached);
        return;
      } catch (StepFailure failure) {
        last = failure;
        log.atWarn()
            .addKeyValue("workspaceId", command.workspaceId())
            .addKeyValue("attempt", attempt)
            .addKeyValue("transient", failure.isTransient())
            .log("create attempt failed: {}", failure.getMessage());
        if (!failure.isTransient()) {
          break;
        }
        if (attempt < attempts) {
          Thread.sleep(backoff.multipliedBy(1L << (attempt - 1)).toMillis());
        }
      }
    }
    if (last.isTransient() && receiveCount < MAX_RECEIVES) {
      throw new RetryLater(
          "create of "
              + command.workspaceId()
              + " failed "
              + attempts
              + " times ("
              + last.getMessage()
              + "); delivery "
              + receiveCount
              + " of "
              + MAX_RECEIVES,
          last);
    }
    try {
      cleanUp(command.workspaceId());
    } catch (StepFailure e) {
      // The engine is unreachable: the reconciler removes what is left once it answers again.
      log.atWarn()
          .addKeyValue("workspaceId", command.workspaceId())
          .log("cleanup after failure deferred to the reconciler");
    }
    String reason =
        last.isTransient()
            ? last.getMessage()
                + " (gave up after "
                + attempts
                + " attempts; deleting and creating again may help)"
            : last.getMessage();
    report(command, WorkspaceState.FAILED, reached[0], null, null, reason);
  }

  /** One attempt; {@code reached[0]} holds the last step completed, for the failure report. */
  private void walk(CreateWorkspace command, WorkspaceStep[] reached) {
    String containerId = docker.create(command);
    String sshUnavailable =
        command.ssh() == null
            ? null
            : ssh.prepare(containerId, command.spec().imageRef(), command.ssh());
    reached[0] = WorkspaceStep.CONTAINER_CREATED;
    report(
        command, WorkspaceState.CREATING, WorkspaceStep.CONTAINER_CREATED, containerId, null, null);
    docker.start(containerId);
    reached[0] = WorkspaceStep.STARTED;
    report(command, WorkspaceState.CREATING, WorkspaceStep.STARTED, containerId, null, null);
    var setup = command.spec().setup();
    for (int i = 0; i < setup.size(); i++) {
      docker.runSetup(containerId, i, setup.get(i));
    }
    reached[0] = WorkspaceStep.SETUP_DONE;
    report(command, WorkspaceState.CREATING, WorkspaceStep.SETUP_DONE, containerId, null, null);
    String ip = docker.ipAddress(containerId);
    reached[0] = WorkspaceStep.IP_ASSIGNED;
    report(command, WorkspaceState.CREATING, WorkspaceStep.IP_ASSIGNED, containerId, ip, null);
    if (command.ssh() != null && sshUnavailable == null) {
      try {
        sshUnavailable = ssh.awaitListening(containerId, ip);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure("interrupted while waiting for sshd", true, e);
      }
    }
    hostnames.put(command.workspaceId(), ip, command.spec().hostname());
    // The keys just written are the command's: no need to read them back.
    reportRunning(
        command,
        containerId,
        ip,
        sshUnavailable,
        command.ssh() == null
            ? OptionalLong.empty()
            : OptionalLong.of(command.ssh().keysRevision()));
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("containerId", containerId)
        .addKeyValue("ip", ip)
        .log("workspace running");
  }

  /** A redelivery after success: the entry exists and points at the running container's address. */
  private boolean alreadyComplete(CreateWorkspace command) {
    var entry = hostnames.get(command.workspaceId());
    if (entry == null) {
      return false;
    }
    var container = docker.find(command.workspaceId());
    if (container.isEmpty() || !"running".equals(container.get().getState())) {
      return false;
    }
    String containerId = container.get().getId();
    String ip = docker.ipAddress(containerId);
    if (!ip.equals(entry.ip())) {
      return false;
    }
    if (command.ssh() != null && !ssh.holds(containerId, command.ssh())) {
      return false;
    }
    reportRunning(
        command,
        containerId,
        ip,
        command.ssh() == null ? null : ssh.sshUnavailable(containerId),
        command.ssh() == null
            ? OptionalLong.empty()
            : ssh.keysRevision(containerId, command.ssh().login()));
    return true;
  }

  /**
   * Reports RUNNING, then, for a workspace with SSH, the revision of the keys its container holds
   * ({@code keysHeld}): both again after a redelivery, so a daemon killed between writing the keys
   * and reporting them reports them on the next delivery.
   */
  private void reportRunning(
      CreateWorkspace command,
      String containerId,
      String ip,
      String sshUnavailable,
      OptionalLong keysHeld) {
    events.publish(
        WorkspaceStatus.of(
                command.hostId(),
                command.workspaceId(),
                command.userId(),
                WorkspaceState.RUNNING,
                WorkspaceStep.HOSTNAME_REGISTERED,
                containerId,
                ip,
                null,
                clock.instant())
            .withSshUnavailable(sshUnavailable));
    observer.completed(command.workspaceId(), WorkspaceStep.HOSTNAME_REGISTERED);
    keysHeld.ifPresent(
        revision ->
            reportKeys(command.hostId(), command.workspaceId(), command.userId(), revision));
  }

  private void reportKeys(String hostId, String workspaceId, String userId, long revision) {
    events.publish(SshKeysApplied.of(hostId, workspaceId, userId, revision, clock.instant()));
  }

  /** Removes the container and hostname entry of a workspace, then reports it DELETED. */
  public void delete(DeleteWorkspace command) {
    cleanUp(command.workspaceId());
    events.publish(
        WorkspaceStatus.of(
            command.hostId(),
            command.workspaceId(),
            command.userId(),
            WorkspaceState.DELETED,
            WorkspaceStep.REMOVED,
            null,
            null,
            null,
            clock.instant()));
    log.atInfo().addKeyValue("workspaceId", command.workspaceId()).log("workspace removed");
  }

  /**
   * Makes the workspace's authorized keys the command's, unless its container holds newer ones, and
   * reports the revision it holds. Nothing to do for a workspace whose container is gone (deleted,
   * or failed before it was made) or was made without SSH.
   */
  public void syncKeys(SyncSshKeys command) {
    var container = docker.find(command.workspaceId());
    if (container.isEmpty()) {
      log.atInfo()
          .addKeyValue("workspaceId", command.workspaceId())
          .log("keys sync for a workspace with no container here; nothing to do");
      return;
    }
    var held =
        ssh.syncKeys(
            container.get().getId(),
            command.login(),
            command.authorizedKeys(),
            command.keysRevision());
    held.ifPresent(
        revision -> {
          observer.keysWritten(command.workspaceId(), revision);
          reportKeys(command.hostId(), command.workspaceId(), command.userId(), revision);
        });
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("keysRevision", command.keysRevision())
        .log("keys synced");
  }

  private void cleanUp(String workspaceId) {
    docker.remove(workspaceId);
    hostnames.remove(workspaceId);
  }

  private void report(
      CreateWorkspace command,
      WorkspaceState state,
      WorkspaceStep step,
      String containerId,
      String ip,
      String reason) {
    events.publish(
        WorkspaceStatus.of(
            command.hostId(),
            command.workspaceId(),
            command.userId(),
            state,
            step,
            containerId,
            ip,
            reason,
            clock.instant()));
    if (state != WorkspaceState.FAILED) {
      observer.completed(command.workspaceId(), step);
    }
  }

  /** Stops the workspace's container. Not written yet. */
  public void stop(io.a4c.events.StopWorkspace command) {
    throw new UnsupportedOperationException("stop: not written yet");
  }

  /** Starts the workspace's container. Not written yet. */
  public void start(io.a4c.events.StartWorkspace command, int receiveCount)
      throws InterruptedException {
    throw new UnsupportedOperationException("start: not written yet");
  }

  /** Rebuilds the workspace's container. Not written yet. */
  public void rebuild(io.a4c.events.RebuildWorkspace command, int receiveCount)
      throws InterruptedException {
    throw new UnsupportedOperationException("rebuild: not written yet");
  }
}
