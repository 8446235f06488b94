package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.ContainerFile;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.daemon.idle.IdleWatcher;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.HostEvent;
import io.a4c.events.HostInventory;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.SshAccess;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.WorkspaceLogin;
import io.a4c.events.WorkspaceSpec;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioner's stop, start and rebuild, the home volume and the idle watcher on a real Docker
 * engine (the first of {@code A4C_TEST_DOCKER_HOSTS}, the host's own), reports read back from the
 * host-events queue. Uses the base images {@code ./a4c test} loads ({@code a4c-base:busybox},
 * {@code a4c-base:bookworm}); the idle watcher's clock is the test's, so idle minutes pass at once.
 * The per-workspace disk limit is 20 MB ({@code A4C_WORKSPACE_DISK_LIMIT_GB=0.02}).
 */
@EnabledIfEnvironmentVariable(named = "A4C_TEST_DOCKER_HOSTS", matches = ".*h1=unix://.*")
class WorkspaceLifecycleDockerTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();
  @TempDir Path dataDir;

  /** The states that end an operation: its last report. */
  private static final Set<WorkspaceState> OUTCOMES =
      EnumSet.of(
          WorkspaceState.RUNNING,
          WorkspaceState.STOPPED,
          WorkspaceState.FAILED,
          WorkspaceState.DELETED);

  private static final String BUSYBOX = "a4c-base:busybox";
  private static final String BOOKWORM = "a4c-base:bookworm";
  private static final WorkspaceLogin LOGIN = new WorkspaceLogin("alice", 100_001);
  private static final SshAccess SSH =
      new SshAccess(
          LOGIN,
          List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKeyOnly alice@laptop"),
          7,
          "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n",
          "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tTest");

  private final String workspaceId = newWorkspaceId();
  private final List<Long> keysReported = new ArrayList<>();
  private DockerClient docker;
  private DockerWorkspaceRuntime runtime;
  private DaemonConfig config;
  private HostnameEntries hostnames;
  private WorkspaceProvisioner provisioner;
  private IdleWatcher idle;
  private ContainerOwners owners;
  private WorkspaceLocks locks;

  /** The clock of the provisioner and watcher: starts at the real time, moved by the test. */
  private Instant now = Instant.now();

  private static String newWorkspaceId() {
    var random = new Random();
    var id = new StringBuilder("ws-");
    for (int i = 0; i < 26; i++) {
      id.append("0123456789abcdefghijklmnopqrstuv".charAt(random.nextInt(32)));
    }
    return id.toString();
  }

  @BeforeEach
  void provisioner() {
    String endpoint =
        System.getenv("A4C_TEST_DOCKER_HOSTS").replaceAll(".*h1=(unix://[^,]+).*", "$1");
    config =
        sqs.config(
            Map.of(
                DaemonEnv.DOCKER_HOST,
                endpoint,
                DaemonEnv.DATA_DIR,
                dataDir.toString(),
                DaemonEnv.IDLE_CPU_PERCENT,
                "50",
                DaemonEnv.WORKSPACE_DISK_LIMIT_GB,
                "0.02"));
    docker = DockerClients.connect(endpoint);
    runtime =
        new DockerWorkspaceRuntime(
            docker, RegistryAuth.NONE, new WorkspaceNetwork(docker, config), new Handoff(config));
    hostnames = new HostnameEntries(config);
    var events = new HostEventPublisher(sqs.client(), EventJson.newMapper(), config);
    locks = new WorkspaceLocks();
    Clock clock = clockOf(() -> now);
    owners = new ContainerOwners(runtime);
    provisioner =
        new WorkspaceProvisioner(
            runtime,
            hostnames,
            events,
            clock,
            config,
            StepObserver.NONE,
            new WorkspaceSsh(runtime),
            locks,
            owners);
    idle = new IdleWatcher(runtime, provisioner, locks, clock, config, owners);
  }

  /** A UTC clock that answers what {@code instant} gives at each reading. */
  private static Clock clockOf(java.util.function.Supplier<Instant> instant) {
    return new Clock() {
      @Override
      public Instant instant() {
        return instant.get();
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
  }

  @AfterEach
  void removeEverything() {
    provisioner.delete(DeleteWorkspace.of("d-end", "h1", workspaceId, "alice"));
  }

  private WorkspaceSpec spec(String image) {
    return new WorkspaceSpec(image, workspaceId + ".ws.test", List.of(), 0.5, 128, 128, 1);
  }

  /**
   * The status reports sent since the last call, each command's steps before its outcome. A
   * command's outcome (RUNNING, say) is sent beside its step reports still on their way, not after
   * them ({@code StepReports.sendAtOnce}; the consumer keeps the furthest step whatever the order),
   * and ElasticMQ's standard queue hands out messages of one millisecond in any order: so the order
   * of arrival is not the order of the steps, and the reports are sorted as the consumer ranks
   * them.
   */
  private List<WorkspaceStatus> reported() throws Exception {
    List<WorkspaceStatus> fresh = new ArrayList<>();
    for (var message : sqs.receive(config.hostEventsQueueUrl())) {
      var event = EventJson.newMapper().readValue(message.body(), HostEvent.class);
      if (event instanceof WorkspaceStatus status) {
        fresh.add(status);
        if (status.keysRevision() != null) {
          keysReported.add(status.keysRevision());
        }
      } else if (event instanceof SshKeysApplied keys) {
        keysReported.add(keys.keysRevision());
      }
    }
    return fresh.stream()
        .sorted(
            Comparator.<WorkspaceStatus, Boolean>comparing(s -> OUTCOMES.contains(s.state()))
                .thenComparing(WorkspaceStatus::step))
        .toList();
  }

  private List<String> steps(List<WorkspaceStatus> statuses) {
    return statuses.stream().map(s -> s.state() + "/" + s.step()).toList();
  }

  private String exec(String... command) throws Exception {
    String containerId = container().getId();
    String execId =
        docker
            .execCreateCmd(containerId)
            .withCmd(command)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    var out = new StringBuilder();
    docker
        .execStartCmd(execId)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
              }
            })
        .awaitCompletion(30, TimeUnit.SECONDS);
    return out.toString().strip();
  }

  private com.github.dockerjava.api.model.Container container() {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.WORKSPACE_ID, workspaceId))
        .exec()
        .get(0);
  }

  private boolean homeExists() {
    var volumes =
        docker
            .listVolumesCmd()
            .withFilter("name", List.of(ContainerLabels.homeVolume(workspaceId)))
            .exec()
            .getVolumes();
    return volumes != null && !volumes.isEmpty();
  }

  @Test
  void aCreateThatKeepsFailingIsHandedBackUntilItsLastDeliveryAndThenFails() throws Exception {
    // A registry nobody answers at (the discard port, refused): every pull fails, transiently.
    String unreachable = "127.0.0.1:9/a4c-unreachable/busybox:1";
    var create = CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(unreachable));
    for (int receive = 1; receive < WorkspaceProvisioner.MAX_RECEIVES; receive++) {
      int delivery = receive;
      assertThatThrownBy(() -> provisioner.create(create, delivery))
          .as("delivery %d", delivery)
          .isInstanceOf(RetryLater.class)
          .hasMessageContaining("delivery " + delivery + " of " + WorkspaceProvisioner.MAX_RECEIVES)
          .hasMessageContaining("pull");
    }
    assertThat(reported()).noneMatch(s -> s.state() == WorkspaceState.FAILED);

    provisioner.create(create, WorkspaceProvisioner.MAX_RECEIVES);

    var last = reported().getLast();
    assertThat(last.state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(last.reason()).contains("pull").contains("gave up after");
  }

  @Test
  void anInventoryIsDatedWhenItsEngineWasReadNotWhenItIsSent() throws Exception {
    provisioner.create(CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(BUSYBOX)), 1);
    provisioner.stop(StopWorkspace.of("s-1", "h1", workspaceId, "alice", 1));
    reported();
    // Each reading of this clock is 10 s after the one before, as on a busy engine where the
    // inventory's own reads (a stopped container's stop time, the homes) take that long.
    Instant first = Instant.parse("2026-12-01T10:00:00Z");
    int[] reads = {0};
    Clock ticking = clockOf(() -> first.plusSeconds(10L * reads[0]++));
    new io.a4c.daemon.reconcile.InventoryPublisher(
            runtime,
            hostnames,
            new HostEventPublisher(sqs.client(), EventJson.newMapper(), config),
            ticking,
            config,
            idle,
            owners)
        .publish();

    List<HostInventory> inventories = new ArrayList<>();
    for (var message : sqs.receive(config.hostEventsQueueUrl())) {
      if (EventJson.newMapper().readValue(message.body(), HostEvent.class)
          instanceof HostInventory inventory) {
        inventories.add(inventory);
      }
    }
    // The reconciler leaves alone what changed less than its grace before this instant: dated at
    // the send, a container stopped a moment before the read would look stopped for long.
    assertThat(inventories)
        .singleElement()
        .satisfies(
            inventory -> {
              assertThat(inventory.at()).isEqualTo(first);
              assertThat(inventory.containers())
                  .extracting(HostInventory.Entry::workspaceId, HostInventory.Entry::state)
                  .contains(org.assertj.core.groups.Tuple.tuple(workspaceId, "exited"));
            });
    assertThat(reads[0]).as("the clock was read after the listing too").isGreaterThan(1);
  }

  @Test
  void stopStartRebuildKeepTheHomeAndAFailedPullChangesNothing() throws Exception {
    provisioner.create(
        CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(BUSYBOX)).withSsh(SSH), 1);
    var created = reported();
    assertThat(created.getLast().state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(created.getLast().imageRef()).isEqualTo(BUSYBOX);
    assertThat(homeExists()).isTrue();
    assertThat(container().getLabels()).containsEntry(ContainerLabels.IDLE_STOP_MINUTES, "1");
    assertThat(created.getLast().keysRevision())
        .as("the keys the container holds, in the RUNNING report itself")
        .isEqualTo(7L);
    assertThat(keysReported).containsExactly(7L);
    keysReported.clear();
    String firstContainer = container().getId();
    exec("sh", "-c", "echo mine > /home/alice/notes && chown 100001 /home/alice/notes");
    // The login came through the handoff, extracted by the init at the first start only. Busybox
    // has no sshd, so nothing shows the archive was taken: it stays (until the container goes).
    assertThat(dataDir.resolve("handoff").resolve(workspaceId).resolve(Handoff.FILES)).exists();
    assertThat(exec("grep", "^alice:", "/etc/passwd")).startsWith("alice:x:100001:");
    exec("sh", "-c", "echo 'later:x:1600:1600::/tmp:/bin/sh' >> /etc/passwd");

    provisioner.stop(StopWorkspace.of("s-1", "h1", workspaceId, "alice", 1));
    var stopped = reported();
    assertThat(steps(stopped)).containsExactly("STOPPED/CONTAINER_STOPPED");
    assertThat(stopped.getFirst())
        .extracting(
            WorkspaceStatus::operation,
            WorkspaceStatus::imageRef,
            WorkspaceStatus::stoppedReason,
            WorkspaceStatus::containerId,
            WorkspaceStatus::ip)
        .containsExactly(1L, BUSYBOX, WorkspaceStatus.USER, firstContainer, null);
    assertThat(container().getState()).isEqualTo("exited");
    // 129: the shell ended on the stop signal (128 + SIGHUP), at once. Before, the shell was PID 1
    // and ignored SIGTERM, and the engine killed it when the grace period ran out: 137 (SIGKILL).
    assertThat(docker.inspectContainerCmd(firstContainer).exec().getState().getExitCodeLong())
        .isEqualTo(129L);
    assertThat(hostnames.get(workspaceId)).isNull();

    provisioner.stop(StopWorkspace.of("s-1", "h1", workspaceId, "alice", 1));
    assertThat(steps(reported())).as("idempotent").containsExactly("STOPPED/CONTAINER_STOPPED");

    provisioner.start(StartWorkspace.of("st-2", "h1", workspaceId, "alice", 2), 1);
    var started = reported();
    // A step report still queued when the next step's is ready is not sent (StepReports).
    assertThat(steps(started))
        .endsWith("RUNNING/HOSTNAME_REGISTERED")
        .isSubsetOf("STARTING/STARTED", "STARTING/IP_ASSIGNED", "RUNNING/HOSTNAME_REGISTERED");
    var running = started.getLast();
    assertThat(running.operation()).isEqualTo(2L);
    assertThat(running.imageRef()).isEqualTo(BUSYBOX);
    assertThat(running.sshUnavailable()).isEqualTo(WorkspaceSsh.NO_SSHD);
    assertThat(hostnames.get(workspaceId))
        .isEqualTo(new HostnameEntries.Entry(running.ip(), workspaceId + ".ws.test"));
    assertThat(keysReported)
        .as("the start reports the keys the container holds")
        .containsExactly(7L);
    assertThat(exec("cat", "/etc/passwd"))
        .as("a start extracts the create's files no more")
        .contains("later:x:1600:1600");

    provisioner.rebuild(
        RebuildWorkspace.of(
            "r-3", "h1", workspaceId, "alice", 3, spec("a4c-base:no-such-tag"), SSH),
        5);
    var failedPull = reported();
    assertThat(steps(failedPull)).containsExactly("RUNNING/HOSTNAME_REGISTERED");
    assertThat(failedPull.getFirst().reason())
        .startsWith("rebuild onto a4c-base:no-such-tag failed");
    assertThat(failedPull.getFirst().imageRef()).isEqualTo(BUSYBOX);
    assertThat(failedPull.getFirst().operation()).isEqualTo(3L);
    assertThat(container().getId()).as("the old container stays").isEqualTo(firstContainer);

    provisioner.rebuild(
        RebuildWorkspace.of("r-4", "h1", workspaceId, "alice", 4, spec(BOOKWORM), SSH), 1);
    var rebuilt = reported();
    assertThat(rebuilt.getFirst().state()).isEqualTo(WorkspaceState.REBUILDING);
    assertThat(rebuilt.getLast())
        .extracting(WorkspaceStatus::state, WorkspaceStatus::operation, WorkspaceStatus::imageRef)
        .containsExactly(WorkspaceState.RUNNING, 4L, BOOKWORM);
    assertThat(rebuilt).allMatch(s -> s.operation() == 4L);
    assertThat(container().getId()).isNotEqualTo(firstContainer);
    assertThat(exec("cat", "/home/alice/notes")).as("the user's file survives").isEqualTo("mine");
    assertThat(exec("stat", "-c", "%u %a", "/home/alice")).isEqualTo("100001 700");
    // This test's host key is no key: sshd refuses to start, so nothing shows the archive was
    // taken and it stays (the SSH system tests see it go once sshd listens).
    assertThat(rebuilt.getLast().sshUnavailable())
        .as("sshd's exit is seen at once, not after waiting for its port")
        .startsWith("the SSH server exited at its start")
        .contains("no hostkeys available");
    assertThat(dataDir.resolve("handoff").resolve(workspaceId).resolve(Handoff.FILES)).exists();

    provisioner.rebuild(
        RebuildWorkspace.of("r-4", "h1", workspaceId, "alice", 4, spec(BOOKWORM), SSH), 1);
    assertThat(steps(reported()))
        .as("a redelivered rebuild that is done only reports it")
        .containsExactly("RUNNING/HOSTNAME_REGISTERED");

    provisioner.delete(DeleteWorkspace.keepingHome("d-5", "h1", workspaceId, "alice"));
    assertThat(homeExists()).isTrue();
    provisioner.start(StartWorkspace.of("st-6", "h1", workspaceId, "alice", 6), 1);
    var gone = reported();
    assertThat(steps(gone)).containsExactly("DELETED/REMOVED", "STOPPED/CONTAINER_STOPPED");
    assertThat(gone.getLast().reason()).contains("gone from host h1");
    assertThat(gone.getLast().operation()).isEqualTo(6L);

    provisioner.delete(DeleteWorkspace.of("d-7", "h1", workspaceId, "alice"));
    assertThat(homeExists()).isFalse();
    assertThat(dataDir.resolve("handoff").resolve(workspaceId)).doesNotExist();
  }

  @Test
  void anArchiveThatFailsToExtractIsExtractedAgainAtTheNextStart() throws Exception {
    String containerId =
        runtime
            .create(
                CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(BOOKWORM)).withSsh(SSH),
                0,
                null)
            .containerId();
    // An entry tar cannot write (a file where /etc, a directory, is), as a full disk would fail
    // one: GNU tar goes on with the rest, the end marker included, and exits 2.
    Path files = dataDir.resolve("handoff").resolve(workspaceId).resolve(Handoff.FILES);
    Files.write(
        files,
        ContainerFile.tar(
            Handoff.withDone(
                List.of(
                    ContainerFile.file("/etc", "not a directory", 0644),
                    ContainerFile.file("/etc/a4c/marker", "first", 0644)))));
    docker.startContainerCmd(containerId).exec();
    awaitInitDone();
    assertThat(exec("cat", "/etc/a4c/marker")).isEqualTo("first");
    assertThat(exec("sh", "-c", "test -e " + Handoff.DONE + "; echo $?"))
        .as("a failed extraction is not marked done")
        .isEqualTo("1");

    Files.write(
        files,
        ContainerFile.tar(
            Handoff.withDone(List.of(ContainerFile.file("/etc/a4c/marker", "second", 0644)))));
    docker.stopContainerCmd(containerId).withTimeout(1).exec();
    docker.startContainerCmd(containerId).exec();
    awaitInitDone();
    assertThat(exec("cat", "/etc/a4c/marker")).as("extracted again").isEqualTo("second");
    assertThat(exec("sh", "-c", "test -e " + Handoff.DONE + "; echo $?")).isEqualTo("0");
  }

  /** Waits until the container's init has run and become the image's command. */
  private void awaitInitDone() {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> exec("sh", "-c", "ps -eo args | grep -c '^/bin/sh -c h=' || true").equals("0"));
  }

  @Test
  void anIdleWorkspaceIsStoppedButNotOneWithAnSshSession() throws Exception {
    provisioner.create(CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(BUSYBOX)), 1);
    String ip = reported().getLast().ip();
    // A stand-in sshd: something listening on port 22 in the container, and a session to it.
    String listener =
        docker
            .execCreateCmd(container().getId())
            .withCmd("sh", "-c", "sleep 600 | nc -l -p 22") // stdin open: nc keeps the session
            .withAttachStdout(true)
            .exec()
            .getId();
    docker.execStartCmd(listener).withDetach(true).exec(new ResultCallback.Adapter<Frame>());

    idle.check();
    assertThat(idle.lastActiveAt(workspaceId, container().getId())).isEqualTo(now);
    try (var session = new Socket()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          session.connect(new InetSocketAddress(ip, 22), 1000);
          break;
        } catch (java.io.IOException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
      now = now.plus(Duration.ofMinutes(5));
      idle.check();
      assertThat(container().getState()).as("a live session keeps it").isEqualTo("running");
      assertThat(idle.lastActiveAt(workspaceId, container().getId())).isEqualTo(now);
    }
    now = now.plus(Duration.ofMinutes(1));
    idle.check();

    assertThat(container().getState()).isEqualTo("exited");
    var stopped = reported().getLast();
    assertThat(stopped.hostStop()).isTrue();
    assertThat(stopped.stoppedReason()).isEqualTo(WorkspaceStatus.IDLE);
    assertThat(stopped.imageRef()).isEqualTo(BUSYBOX);
    assertThat(hostnames.get(workspaceId)).isNull();
  }

  @Test
  void aWorkspaceWritingPastTheDiskLimitIsStoppedWithTheReasonAndItsHomeKept() throws Exception {
    provisioner.create(CreateWorkspace.of("c-1", "h1", workspaceId, "alice", spec(BUSYBOX)), 1);
    reported();
    var layers = new io.a4c.daemon.heartbeat.WritableLayerUsage(docker, config);
    var limit = new WorkspaceDiskLimit(provisioner, locks, owners, config);
    exec("sh", "-c", "echo kept > /home/kept && dd if=/dev/zero of=/home/big bs=1M count=40");
    assertThat(limit.enforce(layers.measure())).as("its home does not count").isZero();
    assertThat(container().getState()).isEqualTo("running");

    exec("dd", "if=/dev/zero", "of=/filler", "bs=1M", "count=40");

    assertThat(limit.enforce(layers.measure())).isEqualTo(1);
    assertThat(container().getState()).isEqualTo("exited");
    var stopped = reported().getLast();
    assertThat(stopped.hostStop()).isTrue();
    assertThat(stopped.stoppedReason()).isEqualTo(WorkspaceStatus.DISK_LIMIT);
    assertThat(stopped.reason())
        .containsPattern("hold 4[0-9] MB")
        .contains("over this host's limit of 20 MB per workspace");
    assertThat(hostnames.get(workspaceId)).isNull();
    // A stopped workspace is not stopped again; its home is intact for a rebuild.
    assertThat(limit.enforce(layers.measure())).isZero();
    provisioner.start(StartWorkspace.of("s-1", "h1", workspaceId, "alice", 1), 1);
    assertThat(exec("cat", "/home/kept")).isEqualTo("kept");
  }

  @Test
  void aWarmPoolMemberNobodyClaimedIsNotStoppedForItsDiskUse() throws Exception {
    provisioner.fill(
        io.a4c.events.FillPool.of("f-1", "h1", workspaceId, "shop#main#amd64", spec(BUSYBOX)), 1);
    var layers = new io.a4c.daemon.heartbeat.WritableLayerUsage(docker, config);
    var limit = new WorkspaceDiskLimit(provisioner, locks, owners, config);
    // What a project's setup could leave in every member: over the 20 MB limit.
    exec("dd", "if=/dev/zero", "of=/filler", "bs=1M", "count=40");

    assertThat(limit.enforce(layers.measure())).isZero();
    assertThat(container().getState()).isEqualTo("running");
  }
}
