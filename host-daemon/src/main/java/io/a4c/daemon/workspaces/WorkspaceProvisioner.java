package io.a4c.daemon.workspaces;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.docker.ContainerFile;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.daemon.ssh.SshdConfig;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.FillPool;
import io.a4c.events.HostEvent;
import io.a4c.events.PoolMemberStatus;
import io.a4c.events.PrefetchImage;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a workspace's commands on this host. A create (and a rebuild, once the old container
 * is gone) walks the create steps — container create, start, setup, IP, hostname entry — reporting
 * each as it completes; stop, start and delete act on the container the workspace has. Every
 * container mounts the workspace's home volume, which only a delete without {@code keepHome}
 * removes. A transient failure is retried with backoff, a create's or rebuild's after the failed
 * attempt's container and entry are removed, so every attempt starts clean; a permanent one (or too
 * many transient ones) ends the command with its final report. Idempotent: a redelivered command
 * whose work is done only reports it again. A workspace's operations hold its lock ({@link
 * WorkspaceLocks}), which the idle watcher shares.
 *
 * <p>Warm pool members ({@link FillPool}) walk the same steps up to the address, with no user, SSH
 * or hostname entry, and are reported ready; a create of a member's id claims it: the running
 * container gets its owner, login, sshd files and keys, sshd is started in it and its hostname
 * entry written, and it is reported RUNNING without being made again.
 */
@Singleton
public final class WorkspaceProvisioner {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceProvisioner.class);

  /** How long a pool fill lets running creates have the engine before it starts anyway. */
  static final Duration FILL_YIELDS_AT_MOST = Duration.ofSeconds(3);

  private final DockerWorkspaceRuntime docker;
  private final HostnameEntries hostnames;
  private final HostEventPublisher events;
  private final Clock clock;
  private final int attempts;
  private final Duration backoff;
  private final StepObserver observer;
  private final WorkspaceSsh ssh;
  private final WorkspaceLocks locks;
  private final String hostId;
  private final ContainerOwners owners;
  private final ForegroundWork foreground = new ForegroundWork();

  /** Deliveries of one command after which transient failures count as final. */
  static final int MAX_RECEIVES = 5;

  /** The workspace a report is about. */
  private record Subject(String hostId, String workspaceId, String userId) {
    static Subject of(CreateWorkspace command) {
      return new Subject(command.hostId(), command.workspaceId(), command.userId());
    }
  }

  /** One try of a command's work, which may fail with a {@link StepFailure}. */
  @FunctionalInterface
  private interface Attempt {
    void run(int attempt) throws InterruptedException;
  }

  @Inject
  public WorkspaceProvisioner(
      DockerWorkspaceRuntime docker,
      HostnameEntries hostnames,
      HostEventPublisher events,
      Clock clock,
      DaemonConfig config,
      StepObserver observer,
      WorkspaceSsh ssh,
      WorkspaceLocks locks,
      ContainerOwners owners) {
    this.owners = owners;
    this.observer = observer;
    this.ssh = ssh;
    this.locks = locks;
    this.docker = docker;
    this.hostnames = hostnames;
    this.events = events;
    this.clock = clock;
    this.attempts = config.createAttempts();
    this.backoff = config.retryBackoff();
    this.hostId = config.hostId();
  }

  /**
   * Creates the workspace's container and walks it to RUNNING, or to FAILED with the reason. When
   * the host holds a running warm pool member of the workspace's id and image that nobody else
   * claimed, that container is personalised instead ({@link #claim}); if that fails, the member is
   * removed and the container made as for any create.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws RetryLater when every attempt failed for a reason that may pass and the command has
   *     deliveries left: the caller leaves it on the queue
   */
  public void create(CreateWorkspace command, int receiveCount) throws InterruptedException {
    try (var userWaits = foreground.enter();
        var lock = locks.hold(command.workspaceId())) {
      if (alreadyComplete(command, null)) {
        return;
      }
      var existing = docker.find(command.workspaceId());
      var member = existing.filter(this::isPoolMember);
      if (member.isPresent() && claim(command, member.get())) {
        return;
      }
      provision(command, WorkspaceState.CREATING, null, receiveCount, existing.isEmpty());
    }
  }

  /**
   * Pulls a build's image onto this host before any create asks for it (a prefetch, sent when the
   * build completed). Held by no workspace lock: a create of the same image that pulls meanwhile
   * shares the engine's pull. A failure is logged and the command acknowledged; the heartbeat lists
   * the image once it is here.
   */
  public void prefetch(PrefetchImage command) {
    long started = System.nanoTime();
    try {
      docker.pullIfAbsent(command.imageRef());
      log.atInfo()
          .addKeyValue("imageRef", command.imageRef())
          .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000)
          .log("image prefetched");
    } catch (StepFailure e) {
      log.atWarn()
          .addKeyValue("imageRef", command.imageRef())
          .setCause(e)
          .log("prefetch failed; a create placed here pulls the image itself");
    }
  }

  /**
   * Makes one warm pool member: the create steps of {@link FillPool#asCreate()} up to the address,
   * with the pool's label, then a ready report. A member already running unclaimed is only reported
   * ready again; one a create claimed since is left alone. After the last attempt what was made
   * goes, home included, and the member is reported failed. It begins once no create runs on this
   * host, or after {@link #FILL_YIELDS_AT_MOST}: the claim whose refill it is goes first.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws RetryLater when every attempt failed for a reason that may pass and the command has
   *     deliveries left
   */
  public void fill(FillPool command, int receiveCount) throws InterruptedException {
    String workspaceId = command.workspaceId();
    // The claim that asked for this member, and any other create, has the engine first.
    if (!foreground.awaitIdle(FILL_YIELDS_AT_MOST)) {
      log.atInfo()
          .addKeyValue("workspaceId", workspaceId)
          .log("pool fill no longer waits for the creates running on this host");
    }
    try (var lock = locks.hold(workspaceId)) {
      var existing = docker.find(workspaceId);
      if (existing.isPresent() && !owners.unclaimed(existing.get())) {
        log.atInfo().addKeyValue("workspaceId", workspaceId).log("pool member claimed already");
        return;
      }
      if (existing.isPresent()
          && "running".equals(existing.get().getState())
          && command.spec().imageRef().equals(imageOf(existing.get()))) {
        var ip = DockerWorkspaceRuntime.ipOf(existing.get());
        if (ip.isPresent()) {
          events.publish(
              PoolMemberStatus.ready(
                  hostId,
                  workspaceId,
                  command.pool(),
                  existing.get().getId(),
                  ip.get(),
                  clock.instant()));
          return;
        }
      }
      StepFailure last =
          retrying(
              "pool fill of " + workspaceId,
              attempt -> {
                cleanUp(workspaceId);
                fillOnce(command);
              });
      if (last == null) {
        return;
      }
      giveUpOrRetryLater("pool fill of " + workspaceId, last, receiveCount);
      try {
        cleanUp(workspaceId);
        docker.removeHome(workspaceId);
      } catch (StepFailure e) {
        log.atWarn()
            .addKeyValue("workspaceId", workspaceId)
            .log("cleanup after a failed pool fill deferred to the reconciler");
      }
      events.publish(
          PoolMemberStatus.failed(
              hostId, workspaceId, command.pool(), finalReason(last), clock.instant()));
    }
  }

  private void fillOnce(FillPool command) {
    String containerId = docker.create(command.asCreate(), 0, command.pool()).containerId();
    docker.start(containerId);
    var setup = command.spec().setup();
    for (int i = 0; i < setup.size(); i++) {
      docker.runSetup(containerId, i, setup.get(i));
    }
    String ip = docker.ipAddress(containerId);
    // Read now, not at the claim: the claim then writes once and runs one command.
    ssh.learnMember(command.workspaceId(), containerId);
    owners.made(containerId);
    events.publish(
        PoolMemberStatus.ready(
            hostId, command.workspaceId(), command.pool(), containerId, ip, clock.instant()));
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("containerId", containerId)
        .addKeyValue("pool", command.pool())
        .log("pool member ready");
  }

  private boolean isPoolMember(Container container) {
    return container.getLabels() != null && container.getLabels().get(ContainerLabels.POOL) != null;
  }

  /**
   * Personalises the running pool member {@code container} for the create with one archive — (with
   * SSH) the user's login, sshd's files, host key and keys, from what was read at its fill, then
   * its owner file. With SSH, the archive is streamed into the member's {@link Handoff} FIFO, whose
   * reader (the member's init, waiting since the fill) extracts it and starts sshd: no engine call.
   * A member without a handoff (made before it existed, or its image has no {@code tar}), or whose
   * reader is gone, gets the archive through the engine and one command that starts sshd. Once sshd
   * listens, its hostname entry is written and RUNNING reported. Done again by a redelivery, since
   * every write is a whole file.
   *
   * @return false when the member cannot serve this create (not running, another image, claimed by
   *     another user) or personalising it failed: the caller makes the container anew
   */
  private boolean claim(CreateWorkspace command, Container container) throws InterruptedException {
    String owner = owners.of(container);
    if (!"running".equals(container.getState())
        || !command.spec().imageRef().equals(imageOf(container))
        || !(FillPool.UNCLAIMED.equals(owner) || command.userId().equals(owner))) {
      return false;
    }
    long started = System.nanoTime();
    String containerId = container.getId();
    FutureTask<String> sshdStart = null;
    try {
      List<ContainerFile> files = new ArrayList<>();
      String sshUnavailable = null;
      boolean canExtract = false;
      if (command.ssh() != null) {
        var personal = ssh.personalisation(command.workspaceId(), containerId, command.ssh());
        files.addAll(personal.files());
        sshUnavailable = personal.sshUnavailable();
        canExtract = personal.canExtract();
      }
      files.add(ContainerFile.directory("/etc/a4c", 0755, 0, 0));
      // After the others: a member whose file names its user has everything else in place.
      files.add(ContainerFile.file(ContainerLabels.OWNER_FILE, command.userId() + "\n", 0644));
      boolean sshd = command.ssh() != null && sshUnavailable == null;
      // The member's init waits on its handoff FIFO: the files go there, it extracts them and
      // starts sshd, and no engine call is made. Else through the engine, as below.
      // A redelivered claim (the member names its user already) finds nobody reading: the
      // first claim's files ended the wait, so it goes the engine's way at once.
      boolean handedOff =
          sshd
              && canExtract
              && FillPool.UNCLAIMED.equals(owner)
              && Handoff.mounted(container)
              && docker.handoff().deliver(command.workspaceId(), files);
      if (!handedOff) {
        // A later start's init must not wait on the FIFO for files that came this way.
        files = new ArrayList<>(Handoff.withDone(files));
      }
      if (sshd && !handedOff) {
        // sshd's start runs beside the write and waits for its marker, the archive's last file.
        String marker = "/etc/a4c/claim-" + UUID.randomUUID();
        files.add(ContainerFile.file(marker, "", 0600));
        sshdStart =
            new FutureTask<>(
                () ->
                    docker.execOutput(
                        containerId, "/bin/sh", "-c", SshdConfig.startOnceWritten(marker)));
        Thread.ofVirtual().name("sshd-start-" + command.workspaceId()).start(sshdStart);
      }
      if (!handedOff) {
        docker.writeFiles(containerId, files);
      }
      owners.claimed(containerId, command.userId());
      ssh.forgetMember(command.workspaceId());
      if (sshdStart != null) {
        awaitStart(sshdStart);
      }
      String ip =
          DockerWorkspaceRuntime.ipOf(container).orElseGet(() -> docker.ipAddress(containerId));
      if (sshd) {
        sshUnavailable = ssh.awaitListening(containerId, ip);
      }
      hostnames.put(command.workspaceId(), ip, command.spec().hostname());
      reportRunning(
          Subject.of(command),
          containerId,
          ip,
          sshUnavailable,
          command.ssh() == null
              ? OptionalLong.empty()
              : OptionalLong.of(command.ssh().keysRevision()),
          null,
          command.spec().imageRef());
      log.atInfo()
          .addKeyValue("workspaceId", command.workspaceId())
          .addKeyValue("containerId", containerId)
          .addKeyValue("ip", ip)
          .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000)
          .addKeyValue("handedOff", handedOff)
          .log("pool member claimed: workspace running");
      return true;
    } catch (StepFailure e) {
      if (sshdStart != null) {
        sshdStart.cancel(true); // the container is made anew: nothing to wait for
      }
      log.atWarn()
          .addKeyValue("workspaceId", command.workspaceId())
          .log("claiming the pool member failed ({}); making the container anew", e.getMessage());
      return false;
    }
  }

  /** Waits for the command that starts sshd in a claimed member; its failure is the claim's. */
  private static void awaitStart(FutureTask<String> start) throws InterruptedException {
    try {
      start.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StepFailure failure) {
        throw failure;
      }
      throw new StepFailure("could not start the SSH server: " + e.getCause(), true, e.getCause());
    }
  }

  /**
   * Replaces the workspace's container with one of the command's image, keeping its home volume.
   * The image is pulled first: when that fails the old container is left as it was and reported in
   * its state (RUNNING, STOPPED, or FAILED when there is none) with the reason. A container of that
   * image that is complete is only reported RUNNING again. Otherwise the old container goes and the
   * create steps are walked as REBUILDING, ending RUNNING or FAILED (home kept).
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws RetryLater when the pull or every attempt failed for a reason that may pass and the
   *     command has deliveries left
   */
  public void rebuild(RebuildWorkspace command, int receiveCount) throws InterruptedException {
    CreateWorkspace create = command.asCreate();
    String image = command.spec().imageRef();
    try (var lock = locks.hold(command.workspaceId())) {
      StepFailure pullFailure =
          retrying(
              "rebuild (pull) of " + command.workspaceId(),
              attempt -> {
                docker.pullIfAbsent(image);
                docker.imageId(image); // a local-only image that is absent fails here
              });
      if (pullFailure != null) {
        giveUpOrRetryLater("rebuild of " + command.workspaceId(), pullFailure, receiveCount);
        reportUnchanged(
            Subject.of(create),
            command.operation(),
            "rebuild onto " + image + " failed: " + pullFailure.getMessage());
        return;
      }
      if (alreadyComplete(create, command.operation())) {
        return;
      }
      provision(create, WorkspaceState.REBUILDING, command.operation(), receiveCount, false);
    }
  }

  /**
   * Walks the create steps from a clean slate, reporting them in state {@code walking}, to RUNNING;
   * after the last attempt, removes what is left (never the home volume) and reports FAILED.
   *
   * @param noContainer the caller just found no container of the workspace (under its lock): the
   *     first attempt need not look for one to remove
   */
  private void provision(
      CreateWorkspace command,
      WorkspaceState walking,
      Long operation,
      int receiveCount,
      boolean noContainer)
      throws InterruptedException {
    Subject who = Subject.of(command);
    var reports = new StepReports(events, command.workspaceId());
    publish(
        reports::send,
        status(who, walking, WorkspaceStep.ACCEPTED, null, null, null),
        operation,
        null);
    WorkspaceStep[] reached = {WorkspaceStep.ACCEPTED};
    StepFailure last =
        retrying(
            walking.name().toLowerCase(java.util.Locale.ROOT) + " of " + command.workspaceId(),
            attempt -> {
              cleanUp(command.workspaceId(), attempt == 1 && noContainer);
              reached[0] = WorkspaceStep.ACCEPTED;
              walk(command, walking, operation, reached, reports);
            });
    if (last == null) {
      return;
    }
    giveUpOrRetryLater(
        (operation == null ? "create of " : "rebuild of ") + command.workspaceId(),
        last,
        receiveCount);
    try {
      cleanUp(command.workspaceId());
    } catch (StepFailure e) {
      // The engine is unreachable: the reconciler removes what is left once it answers again.
      log.atWarn()
          .addKeyValue("workspaceId", command.workspaceId())
          .log("cleanup after failure deferred to the reconciler");
    }
    reports.flush();
    publish(
        status(who, WorkspaceState.FAILED, reached[0], null, null, finalReason(last)),
        operation,
        null);
  }

  /**
   * One attempt; {@code reached[0]} holds the last step completed, for the failure report. The
   * steps' reports, RUNNING included, go through {@code reports}, which sends them while the next
   * step runs; the attempt returns once they are sent.
   */
  private void walk(
      CreateWorkspace command,
      WorkspaceState walking,
      Long operation,
      WorkspaceStep[] reached,
      StepReports reports)
      throws InterruptedException {
    Subject who = Subject.of(command);
    var created = docker.create(command, operation == null ? 0 : operation, null);
    String containerId = created.containerId();
    String sshUnavailable =
        command.ssh() == null
            ? null
            : ssh.prepare(
                command.workspaceId(),
                containerId,
                created.imageId() != null
                    ? created.imageId()
                    : docker.imageId(command.spec().imageRef()),
                command.ssh());
    reached[0] = WorkspaceStep.CONTAINER_CREATED;
    publish(
        reports::send,
        status(who, walking, WorkspaceStep.CONTAINER_CREATED, containerId, null, null),
        operation,
        null);
    docker.start(containerId);
    reached[0] = WorkspaceStep.STARTED;
    publish(
        reports::send,
        status(who, walking, WorkspaceStep.STARTED, containerId, null, null),
        operation,
        null);
    var setup = command.spec().setup();
    for (int i = 0; i < setup.size(); i++) {
      docker.runSetup(containerId, i, setup.get(i));
    }
    reached[0] = WorkspaceStep.SETUP_DONE;
    publish(
        reports::send,
        status(who, walking, WorkspaceStep.SETUP_DONE, containerId, null, null),
        operation,
        null);
    String ip = docker.ipAddress(containerId);
    reached[0] = WorkspaceStep.IP_ASSIGNED;
    publish(
        reports::send,
        status(who, walking, WorkspaceStep.IP_ASSIGNED, containerId, ip, null),
        operation,
        null);
    if (command.ssh() != null && sshUnavailable == null) {
      sshUnavailable = ssh.awaitListening(containerId, ip);
      if (sshUnavailable == null) {
        docker.handoff().taken(command.workspaceId()); // sshd runs: the init extracted it
      }
    }
    hostnames.put(command.workspaceId(), ip, command.spec().hostname());
    // The keys just written are the command's: no need to read them back.
    List<HostEvent> last = new ArrayList<>();
    reportRunning(
        last::add,
        who,
        containerId,
        ip,
        sshUnavailable,
        command.ssh() == null
            ? OptionalLong.empty()
            : OptionalLong.of(command.ssh().keysRevision()),
        operation,
        command.spec().imageRef());
    reports.sendAtOnce(last);
    reports.flush();
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("containerId", containerId)
        .addKeyValue("ip", ip)
        .addKeyValue("state", walking)
        .log("workspace running");
  }

  /**
   * A redelivery after success, or a command the sweep sent again (with a new host key) after the
   * first one finished: the container is of the command's image and running (for a rebuild: made by
   * this operation) and the entry points at its address. The container is kept and reported
   * RUNNING; one holding an older host key gets the command's ({@link WorkspaceSsh#rekey}), one
   * holding a newer one (this is an older delivery, come late) keeps it.
   */
  private boolean alreadyComplete(CreateWorkspace command, Long operation) {
    var entry = hostnames.get(command.workspaceId());
    if (entry == null) {
      return false;
    }
    var container = docker.find(command.workspaceId());
    if (container.isEmpty()
        || !"running".equals(container.get().getState())
        || !command.spec().imageRef().equals(imageOf(container.get()))) {
      return false;
    }
    // A rebuild onto the image it already runs must still make a new container: only one its own
    // operation made counts as done.
    if (operation != null
        && !Long.toString(operation)
            .equals(
                container.get().getLabels() == null
                    ? null
                    : container.get().getLabels().get(ContainerLabels.OPERATION))) {
      return false;
    }
    String containerId = container.get().getId();
    String ip = docker.ipAddress(containerId);
    if (!ip.equals(entry.ip())) {
      return false;
    }
    var held =
        command.ssh() == null ? WorkspaceSsh.KeyHeld.THIS : ssh.held(containerId, command.ssh());
    if (held == WorkspaceSsh.KeyHeld.OLDER) {
      // Sent again by the sweep while its first delivery finished: same container, new host key.
      ssh.rekey(containerId, command.ssh());
      log.atInfo()
          .addKeyValue("workspaceId", command.workspaceId())
          .addKeyValue("containerId", containerId)
          .log("command sent again found its container made: host key replaced, container kept");
    } else if (held == WorkspaceSsh.KeyHeld.NEWER) {
      log.atInfo()
          .addKeyValue("workspaceId", command.workspaceId())
          .addKeyValue("containerId", containerId)
          .log(
              "an older delivery found its container with a newer host key: key and container kept");
    }
    reportRunning(
        Subject.of(command),
        containerId,
        ip,
        command.ssh() == null ? null : ssh.sshUnavailable(containerId),
        command.ssh() == null
            ? OptionalLong.empty()
            : ssh.keysRevision(containerId, command.ssh().login()),
        operation,
        command.spec().imageRef());
    return true;
  }

  /**
   * After a rebuild's image could not be had: reports the workspace as it is, with the reason —
   * RUNNING (its address, the old image) when its container runs, STOPPED when it is stopped,
   * FAILED when it has none.
   */
  private void reportUnchanged(Subject who, long operation, String reason) {
    log.atWarn().addKeyValue("workspaceId", who.workspaceId()).log("{}", reason);
    Optional<Container> container;
    try {
      container = docker.find(who.workspaceId());
    } catch (StepFailure e) {
      container = Optional.empty();
    }
    if (container.isEmpty()) {
      publish(
          status(who, WorkspaceState.FAILED, WorkspaceStep.ACCEPTED, null, null, reason),
          operation,
          null);
      return;
    }
    String containerId = container.get().getId();
    String image = imageOf(container.get());
    if ("running".equals(container.get().getState())) {
      var ip = DockerWorkspaceRuntime.ipOf(container.get()).orElse(null);
      publish(
          status(
                  who,
                  WorkspaceState.RUNNING,
                  WorkspaceStep.HOSTNAME_REGISTERED,
                  containerId,
                  ip,
                  reason)
              .withSshUnavailable(
                  ssh.preparedLogin(containerId).isPresent()
                      ? ssh.sshUnavailable(containerId)
                      : null),
          operation,
          image);
    } else {
      publish(
          status(
              who,
              WorkspaceState.STOPPED,
              WorkspaceStep.CONTAINER_STOPPED,
              containerId,
              null,
              reason),
          operation,
          image);
    }
  }

  /**
   * Reports RUNNING (with the operation and image and, for a workspace with SSH, the revision of
   * the keys its container holds, {@code keysHeld}): again after a redelivery, so a daemon killed
   * between writing the keys and reporting them reports them on the next delivery.
   */
  private void reportRunning(
      Subject who,
      String containerId,
      String ip,
      String sshUnavailable,
      OptionalLong keysHeld,
      Long operation,
      String image) {
    reportRunning(
        events::publish, who, containerId, ip, sshUnavailable, keysHeld, operation, image);
  }

  /** As above, the reports handed to {@code send}. */
  private void reportRunning(
      Consumer<HostEvent> send,
      Subject who,
      String containerId,
      String ip,
      String sshUnavailable,
      OptionalLong keysHeld,
      Long operation,
      String image) {
    var running =
        status(
                who,
                WorkspaceState.RUNNING,
                WorkspaceStep.HOSTNAME_REGISTERED,
                containerId,
                ip,
                null)
            .withSshUnavailable(sshUnavailable);
    // The keys held go in the RUNNING report itself: recorded in its write, where a report of
    // their own beside it could be applied first and make RUNNING's conditional write read again.
    publish(
        send,
        keysHeld.isPresent() ? running.withKeysRevision(keysHeld.getAsLong()) : running,
        operation == null ? 0L : operation,
        image);
  }

  private void reportKeys(String hostId, String workspaceId, String userId, long revision) {
    events.publish(SshKeysApplied.of(hostId, workspaceId, userId, revision, clock.instant()));
  }

  /**
   * Removes the container and hostname entry of a workspace, and its home volume unless the command
   * keeps it, then reports it DELETED.
   */
  public void delete(DeleteWorkspace command) {
    try (var lock = locks.hold(command.workspaceId())) {
      cleanUp(command.workspaceId());
      if (!command.keepsHome()) {
        docker.removeHome(command.workspaceId());
      }
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
    }
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("homeKept", command.keepsHome())
        .log("workspace removed");
  }

  /**
   * Makes the workspace's authorized keys the command's, unless its container holds newer ones, and
   * reports the revision it holds. Nothing to do for a workspace whose container is gone (deleted,
   * or failed before it was made) or was made without SSH.
   */
  public void syncKeys(SyncSshKeys command) {
    try (var lock = locks.hold(command.workspaceId())) {
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
    }
    log.atInfo()
        .addKeyValue("workspaceId", command.workspaceId())
        .addKeyValue("keysRevision", command.keysRevision())
        .log("keys synced");
  }

  /**
   * Stops the workspace's container (kept, with its home), drops its hostname entry and reports
   * STOPPED at CONTAINER_STOPPED, stopped by the user; a stopped container is only reported again.
   * A workspace whose container is gone is reported STOPPED with the reason.
   *
   * @throws StepFailure when the engine failed: the command is delivered again
   */
  public void stop(StopWorkspace command) {
    Subject who = new Subject(command.hostId(), command.workspaceId(), command.userId());
    try (var lock = locks.hold(command.workspaceId())) {
      var container = docker.find(command.workspaceId());
      if (container.isEmpty()) {
        reportGone(who, command.operation());
        return;
      }
      stopContainer(who, container.get(), command.operation(), WorkspaceStatus.USER, null);
    }
  }

  /**
   * The idle watcher's stop: as {@link #stop}, reported STOPPED because idle and answering no
   * command (no operation). The caller holds the workspace's lock and has seen the container
   * running.
   */
  public void stopIdle(Container container) {
    Subject who =
        new Subject(
            hostId, container.getLabels().get(ContainerLabels.WORKSPACE_ID), owners.of(container));
    stopContainer(who, container, null, WorkspaceStatus.IDLE, null);
  }

  /**
   * The disk limit's stop: as {@link #stopIdle}, reported STOPPED because of {@link
   * WorkspaceStatus#DISK_LIMIT} with {@code reason} in words. The caller holds the workspace's lock
   * and has measured the container over the limit.
   */
  public void stopOverDiskLimit(Container container, String reason) {
    Subject who =
        new Subject(
            hostId, container.getLabels().get(ContainerLabels.WORKSPACE_ID), owners.of(container));
    stopContainer(who, container, null, WorkspaceStatus.DISK_LIMIT, reason);
  }

  private void stopContainer(
      Subject who, Container container, Long operation, String why, String reason) {
    docker.stop(container.getId());
    hostnames.remove(who.workspaceId());
    publish(
        status(
                who,
                WorkspaceState.STOPPED,
                WorkspaceStep.CONTAINER_STOPPED,
                container.getId(),
                null,
                reason)
            .stoppedBecause(why),
        operation,
        imageOf(container));
    log.atInfo()
        .addKeyValue("workspaceId", who.workspaceId())
        .addKeyValue("containerId", container.getId())
        .addKeyValue("stoppedBecause", why)
        .log("workspace stopped");
  }

  /**
   * Starts the workspace's stopped container and walks the start steps — STARTED, IP_ASSIGNED
   * (STARTING), sshd listening, hostname entry — to RUNNING; a running one with its entry in place
   * is only reported RUNNING again. A workspace whose container is gone is reported STOPPED with
   * the reason; after the last attempt the container is stopped again and reported STOPPED with the
   * reason.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws RetryLater when every attempt failed for a reason that may pass and the command has
   *     deliveries left
   */
  public void start(StartWorkspace command, int receiveCount) throws InterruptedException {
    Subject who = new Subject(command.hostId(), command.workspaceId(), command.userId());
    long operation = command.operation();
    try (var lock = locks.hold(command.workspaceId())) {
      var reports = new StepReports(events, command.workspaceId());
      StepFailure last =
          retrying(
              "start of " + command.workspaceId(), attempt -> startOnce(who, operation, reports));
      if (last == null) {
        return;
      }
      giveUpOrRetryLater("start of " + command.workspaceId(), last, receiveCount);
      String containerId = null;
      String image = null;
      try {
        var container = docker.find(command.workspaceId());
        if (container.isPresent()) {
          containerId = container.get().getId();
          image = imageOf(container.get());
          docker.stop(containerId);
        }
        hostnames.remove(command.workspaceId());
      } catch (StepFailure e) {
        log.atWarn()
            .addKeyValue("workspaceId", command.workspaceId())
            .log("could not stop the container after a failed start: {}", e.getMessage());
      }
      reports.flush();
      publish(
          status(
              who,
              WorkspaceState.STOPPED,
              WorkspaceStep.CONTAINER_STOPPED,
              containerId,
              null,
              "start failed: " + finalReason(last)),
          operation,
          image);
    }
  }

  /** One attempt of a start, its progress reports through {@code reports}. */
  private void startOnce(Subject who, long operation, StepReports reports)
      throws InterruptedException {
    var container = docker.find(who.workspaceId());
    if (container.isEmpty()) {
      reportGone(who, operation);
      return;
    }
    String containerId = container.get().getId();
    String image = imageOf(container.get());
    var login = ssh.preparedLogin(containerId);
    if ("running".equals(container.get().getState())) {
      var entry = hostnames.get(who.workspaceId());
      String ip = docker.ipAddress(containerId);
      if (entry != null && ip.equals(entry.ip())) {
        reportRunning(
            who,
            containerId,
            ip,
            login.isPresent() ? ssh.sshUnavailable(containerId) : null,
            login.map(name -> ssh.keysRevision(containerId, name)).orElse(OptionalLong.empty()),
            operation,
            image);
        return;
      }
    } else {
      docker.start(containerId);
    }
    publish(
        reports::send,
        status(who, WorkspaceState.STARTING, WorkspaceStep.STARTED, containerId, null, null),
        operation,
        null);
    String ip = docker.ipAddress(containerId);
    publish(
        reports::send,
        status(who, WorkspaceState.STARTING, WorkspaceStep.IP_ASSIGNED, containerId, ip, null),
        operation,
        null);
    String sshUnavailable = null;
    if (login.isPresent()) {
      sshUnavailable = ssh.sshUnavailable(containerId);
      if (sshUnavailable == null) {
        sshUnavailable = ssh.awaitListening(containerId, ip);
      }
      if (sshUnavailable == null) {
        docker.handoff().taken(who.workspaceId()); // left by a create that ended before it could
      }
    }
    hostnames.put(who.workspaceId(), ip, hostnameOf(containerId));
    List<HostEvent> last = new ArrayList<>();
    reportRunning(
        last::add,
        who,
        containerId,
        ip,
        sshUnavailable,
        login.map(name -> ssh.keysRevision(containerId, name)).orElse(OptionalLong.empty()),
        operation,
        image);
    reports.sendAtOnce(last);
    reports.flush();
    log.atInfo()
        .addKeyValue("workspaceId", who.workspaceId())
        .addKeyValue("containerId", containerId)
        .addKeyValue("ip", ip)
        .log("workspace started");
  }

  /** The fully qualified hostname the container was made with: its hostname and domain. */
  private String hostnameOf(String containerId) {
    var config =
        docker
            .inspect(containerId)
            .orElseThrow(() -> new StepFailure("the container went away", true, null))
            .getConfig();
    String domain = config.getDomainName();
    return domain == null || domain.isEmpty()
        ? config.getHostName()
        : config.getHostName() + "." + domain;
  }

  /** Reports STOPPED for a workspace whose container this host no longer has. */
  private void reportGone(Subject who, long operation) {
    publish(
        status(
            who,
            WorkspaceState.STOPPED,
            WorkspaceStep.CONTAINER_STOPPED,
            null,
            null,
            "its container is gone from host "
                + who.hostId()
                + "; rebuild it (your home is kept) or delete it"),
        operation,
        null);
  }

  /**
   * Runs {@code attempt} up to the configured number of times while it fails transiently, with
   * doubling backoff between tries.
   *
   * @return the last failure, or null when an attempt succeeded
   */
  private StepFailure retrying(String what, Attempt attempt) throws InterruptedException {
    StepFailure last = null;
    for (int n = 1; n <= attempts; n++) {
      try {
        attempt.run(n);
        return null;
      } catch (StepFailure failure) {
        last = failure;
        log.atWarn()
            .addKeyValue("attempt", n)
            .addKeyValue("transient", failure.isTransient())
            .log("{} failed: {}", what, failure.getMessage());
        if (!failure.isTransient()) {
          break;
        }
        if (n < attempts) {
          Thread.sleep(backoff.multipliedBy(1L << (n - 1)).toMillis());
        }
      }
    }
    return last;
  }

  /** Leaves the command on the queue while a transient failure has deliveries left to pass. */
  private void giveUpOrRetryLater(String what, StepFailure last, int receiveCount) {
    if (last.isTransient() && receiveCount < MAX_RECEIVES) {
      throw new RetryLater(
          what
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
  }

  private String finalReason(StepFailure last) {
    return last.isTransient()
        ? last.getMessage()
            + " (gave up after "
            + attempts
            + " attempts; deleting and creating again may help)"
        : last.getMessage();
  }

  /** The image a container was made of: its label, or the engine's word for older containers. */
  private static String imageOf(Container container) {
    var labels = container.getLabels();
    String label = labels == null ? null : labels.get(ContainerLabels.IMAGE_REF);
    return label != null ? label : container.getImage();
  }

  private void cleanUp(String workspaceId) {
    cleanUp(workspaceId, false);
  }

  /**
   * Forgets the workspace's pool member facts and hostname entry and removes its container; {@code
   * noContainer}: the caller just found none (under the workspace's lock), so the engine is not
   * asked again.
   */
  private void cleanUp(String workspaceId, boolean noContainer) {
    ssh.forgetMember(workspaceId);
    if (!noContainer) {
      docker.remove(workspaceId);
    }
    hostnames.remove(workspaceId);
  }

  private WorkspaceStatus status(
      Subject who,
      WorkspaceState state,
      WorkspaceStep step,
      String containerId,
      String ip,
      String reason) {
    return WorkspaceStatus.of(
        who.hostId(),
        who.workspaceId(),
        who.userId(),
        state,
        step,
        containerId,
        ip,
        reason,
        clock.instant());
  }

  /**
   * Publishes {@code status} about {@code operation} (none for a create's steps and an idle stop)
   * with the container's {@code image} (RUNNING and STOPPED), then tells the observer of every step
   * but a failure.
   */
  private void publish(WorkspaceStatus status, Long operation, String image) {
    publish(events::publish, status, operation, image);
  }

  /** As above, the report handed to {@code send}. */
  private void publish(
      Consumer<HostEvent> send, WorkspaceStatus status, Long operation, String image) {
    WorkspaceStatus report =
        operation == null && image == null ? status : status.forOperation(operation, image);
    send.accept(report);
    if (report.state() != WorkspaceState.FAILED) {
      observer.completed(report.workspaceId(), report.step());
    }
  }
}
