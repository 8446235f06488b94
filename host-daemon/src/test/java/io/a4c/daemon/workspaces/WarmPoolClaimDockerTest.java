package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.FillPool;
import io.a4c.events.HostEvent;
import io.a4c.events.PoolMemberStatus;
import io.a4c.events.SshAccess;
import io.a4c.events.WorkspaceLogin;
import io.a4c.events.WorkspaceSpec;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm pool member's fill and claim on a real Docker engine (the first of {@code
 * A4C_TEST_DOCKER_HOSTS}), image {@code a4c-base:bookworm} (with sshd): the claim personalises the
 * running member from the account files read at its fill, after the project's setup changed them,
 * and a daemon that restarted between the fill and the claim (so holds nothing of the member) reads
 * them from the container and personalises it the same way; a create sent again with a new host key
 * after its first delivery made the container keeps that container. Reports are read back from the
 * host-events queue.
 */
@EnabledIfEnvironmentVariable(named = "A4C_TEST_DOCKER_HOSTS", matches = ".*h1=unix://.*")
class WarmPoolClaimDockerTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();
  @TempDir Path dataDir;
  @TempDir Path keyDir;

  private static final String BOOKWORM = "a4c-base:bookworm";
  private static final String POOL = "proj#main#amd64";

  /** The project's setup: an account line the image does not have. */
  private static final String SETUP =
      "echo 'builder:x:1500:1500:made by setup:/var/builder:/bin/sh' >> /etc/passwd";

  private final String warm = newWorkspaceId();
  private final String cold = newWorkspaceId();
  private String endpoint;
  private DockerClient docker;
  private DaemonConfig config;

  private static String newWorkspaceId() {
    var random = new Random();
    var id = new StringBuilder("ws-");
    for (int i = 0; i < 26; i++) {
      id.append("0123456789abcdefghijklmnopqrstuv".charAt(random.nextInt(32)));
    }
    return id.toString();
  }

  @BeforeEach
  void engine() {
    endpoint = System.getenv("A4C_TEST_DOCKER_HOSTS").replaceAll(".*h1=(unix://[^,]+).*", "$1");
    config =
        sqs.config(Map.of(DaemonEnv.DOCKER_HOST, endpoint, DaemonEnv.DATA_DIR, dataDir.toString()));
    docker = DockerClients.connect(endpoint);
  }

  @AfterEach
  void removeEverything() {
    var provisioner = daemon();
    provisioner.delete(DeleteWorkspace.of("d-warm", "h1", warm, "alice"));
    provisioner.delete(DeleteWorkspace.of("d-cold", "h1", cold, "bob"));
  }

  /** A daemon's provisioner as it starts: nothing known of the engine's containers. */
  private WorkspaceProvisioner daemon() {
    var runtime =
        new DockerWorkspaceRuntime(
            DockerClients.connect(endpoint),
            RegistryAuth.NONE,
            new WorkspaceNetwork(docker, config),
            new Handoff(config));
    return new WorkspaceProvisioner(
        runtime,
        new HostnameEntries(config),
        new HostEventPublisher(sqs.client(), EventJson.newMapper(), config),
        Clock.systemUTC(),
        config,
        StepObserver.NONE,
        new WorkspaceSsh(runtime),
        new WorkspaceLocks(),
        new ContainerOwners(runtime));
  }

  private static WorkspaceSpec spec(String workspaceId) {
    return new WorkspaceSpec(
        BOOKWORM, workspaceId + ".ws.test", List.of(SETUP), 0.5, 128, 128, null);
  }

  /** SSH access with a real host key and certificate (sshd refuses to start without a key). */
  private SshAccess access(String workspaceId, WorkspaceLogin login) throws Exception {
    return access(workspaceId, login, workspaceId);
  }

  /** As above, the key files named {@code keyName}: a second access of one workspace. */
  private SshAccess access(String workspaceId, WorkspaceLogin login, String keyName)
      throws Exception {
    return access(workspaceId, login, keyName, "always:forever");
  }

  /** As above, the certificate valid over {@code validity} ({@code ssh-keygen -V}). */
  private SshAccess access(
      String workspaceId, WorkspaceLogin login, String keyName, String validity) throws Exception {
    Path key = keyDir.resolve(keyName);
    Path ca = keyDir.resolve("ca-" + keyName);
    ssh("-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    ssh("-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    ssh(
        "-q",
        "-s",
        ca.toString(),
        "-I",
        workspaceId,
        "-h",
        "-n",
        workspaceId + ".ws.test",
        "-V",
        validity,
        key + ".pub");
    return new SshAccess(
        login,
        List.of(Files.readString(Path.of(ca + ".pub")).strip()),
        3,
        Files.readString(key),
        Files.readString(Path.of(key + "-cert.pub")).strip());
  }

  private static void ssh(String... args) throws Exception {
    var command = new ArrayList<>(List.of("ssh-keygen"));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }

  private List<HostEvent> reported() throws Exception {
    List<HostEvent> events = new ArrayList<>();
    for (var message : sqs.receive(config.hostEventsQueueUrl())) {
      events.add(EventJson.newMapper().readValue(message.body(), HostEvent.class));
    }
    return events;
  }

  private Container container(String workspaceId) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.WORKSPACE_ID, workspaceId))
        .exec()
        .getFirst();
  }

  private String exec(String workspaceId, String... command) throws Exception {
    String execId =
        docker
            .execCreateCmd(container(workspaceId).getId())
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

  @Test
  void aClaimPersonalisesTheRunningMemberWhetherTheDaemonKeptWhatItReadAtTheFillOrRestarted()
      throws Exception {
    var filler = daemon();
    filler.fill(FillPool.of("f-1", "h1", warm, POOL, spec(warm)), 1);
    filler.fill(FillPool.of("f-2", "h1", cold, POOL, spec(cold)), 1);
    assertThat(reported())
        .allSatisfy(e -> assertThat(e).isInstanceOf(PoolMemberStatus.class))
        .extracting(e -> ((PoolMemberStatus) e).ready())
        .containsExactly(true, true);
    String warmContainer = container(warm).getId();
    String coldContainer = container(cold).getId();
    var alice = new WorkspaceLogin("alice", 100_001);
    var bob = new WorkspaceLogin("bob", 100_002);

    // The daemon that made the members claims one: what it read at the fill serves.
    filler.create(
        CreateWorkspace.of("c-1", "h1", warm, "alice", spec(warm)).withSsh(access(warm, alice)), 1);
    // A daemon started since claims the other: it holds nothing of the member.
    daemon()
        .create(
            CreateWorkspace.of("c-2", "h1", cold, "bob", spec(cold)).withSsh(access(cold, bob)), 1);

    var running =
        reported().stream()
            .filter(WorkspaceStatus.class::isInstance)
            .map(WorkspaceStatus.class::cast)
            .sorted(Comparator.comparing(status -> !status.workspaceId().equals(warm)))
            .toList();
    assertThat(running)
        .extracting(WorkspaceStatus::workspaceId, WorkspaceStatus::state, WorkspaceStatus::step)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                warm, WorkspaceState.RUNNING, io.a4c.events.WorkspaceStep.HOSTNAME_REGISTERED),
            org.assertj.core.groups.Tuple.tuple(
                cold, WorkspaceState.RUNNING, io.a4c.events.WorkspaceStep.HOSTNAME_REGISTERED));
    // Neither was made again, and both have sshd listening on their address.
    assertThat(running)
        .extracting(WorkspaceStatus::containerId)
        .containsExactly(warmContainer, coldContainer);
    assertThat(running).extracting(WorkspaceStatus::sshUnavailable).containsOnlyNulls();

    for (var claim : List.of(Map.entry(warm, alice), Map.entry(cold, bob))) {
      String id = claim.getKey();
      WorkspaceLogin login = claim.getValue();
      String passwd = exec(id, "cat", "/etc/passwd");
      assertThat(passwd.lines().toList())
          .as("the image's accounts, the setup's and the user's")
          .contains(
              "root:x:0:0:root:/root:/bin/bash",
              "builder:x:1500:1500:made by setup:/var/builder:/bin/sh",
              login.name()
                  + ":x:"
                  + login.uid()
                  + ":"
                  + login.uid()
                  + ":A4C workspace user:/home/"
                  + login.name()
                  + ":/bin/bash");
      assertThat(exec(id, "cat", "/etc/group"))
          .contains("a4c:x:2000:" + login.name(), login.name() + ":x:" + login.uid() + ":");
      assertThat(exec(id, "grep", "^" + login.name() + ":", "/etc/shadow"))
          .startsWith(login.name() + ":*:");
      assertThat(exec(id, "cat", ContainerLabels.OWNER_FILE)).isEqualTo(login.name());
      assertThat(exec(id, "stat", "-c", "%u %a", "/home/" + login.name()))
          .isEqualTo(login.uid() + " 700");
      assertThat(exec(id, "cat", "/etc/a4c/ssh/authorized_keys/" + login.name()))
          .contains("ssh-ed25519 ");
      assertThat(exec(id, "sh", "-c", "ls /etc/a4c | grep -c claim- || true"))
          .as("the start's marker is gone")
          .isEqualTo("0");
      assertThat(
              exec(
                  id,
                  "sh",
                  "-c",
                  "cat /run/a4c-sshd.pid && test -d /proc/$(cat /run/a4c-sshd.pid) && echo up"))
          .endsWith("up");
    }
  }

  @Test
  void aCreateSentAgainWithANewHostKeyKeepsTheContainerItsFirstDeliveryMade() throws Exception {
    var daemon = daemon();
    var bob = new WorkspaceLogin("bob", 100_002);
    var first = access(cold, bob);
    daemon.create(CreateWorkspace.of("c-1", "h1", cold, "bob", spec(cold)).withSsh(first), 1);
    String made = container(cold).getId();
    String startedAt = docker.inspectContainerCmd(made).exec().getState().getStartedAt();
    assertThat(reported())
        .filteredOn(WorkspaceStatus.class::isInstance)
        .extracting(e -> ((WorkspaceStatus) e).state())
        .contains(WorkspaceState.RUNNING);
    assertThat(servedHostCertificate(cold)).isEqualTo(first.hostCertificate().split(" ")[1]);

    // The sweep sent the create again (it looked stuck under load) with a new host key, and the
    // first delivery finished before the second was read: the container it made stays, running
    // since then, and presents the new key.
    var again = access(cold, bob, cold + "-again");
    daemon.create(CreateWorkspace.of("c-1b", "h1", cold, "bob", spec(cold)).withSsh(again), 1);

    assertThat(reported())
        .filteredOn(WorkspaceStatus.class::isInstance)
        .extracting(e -> ((WorkspaceStatus) e).state(), e -> ((WorkspaceStatus) e).containerId())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(WorkspaceState.RUNNING, made));
    assertThat(docker.inspectContainerCmd(made).exec().getState().getStartedAt())
        .isEqualTo(startedAt);
    assertThat(servedHostCertificate(cold)).isEqualTo(again.hostCertificate().split(" ")[1]);
    assertThat(exec(cold, "cat", "/etc/a4c/ssh/authorized_keys/bob")).contains("ssh-ed25519 ");
  }

  @Test
  void anOlderDeliveryOfACreateThatArrivesLateLeavesTheNewerHostKeyInPlace() throws Exception {
    var daemon = daemon();
    var bob = new WorkspaceLogin("bob", 100_002);
    // The sweep's re-send (issued later) was carried out first; the first delivery, whose daemon
    // died mid-create, comes back from SQS after it.
    var resent = access(cold, bob, cold + "-resent", "20260102:forever");
    var first = access(cold, bob, cold + "-first", "20260101:forever");
    daemon.create(CreateWorkspace.of("c-2b", "h1", cold, "bob", spec(cold)).withSsh(resent), 1);
    String made = container(cold).getId();
    reported();

    daemon.create(CreateWorkspace.of("c-2", "h1", cold, "bob", spec(cold)).withSsh(first), 2);

    assertThat(reported())
        .filteredOn(WorkspaceStatus.class::isInstance)
        .extracting(e -> ((WorkspaceStatus) e).state(), e -> ((WorkspaceStatus) e).containerId())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(WorkspaceState.RUNNING, made));
    assertThat(servedHostCertificate(cold)).isEqualTo(resent.hostCertificate().split(" ")[1]);
  }

  /**
   * The host certificate the container's sshd presents (its base64), read as a client would with
   * {@code ssh-keyscan -c}; tried for up to 10 s while sshd reloads.
   */
  private String servedHostCertificate(String workspaceId) throws Exception {
    assertThat(sshdListens(workspaceId)).isTrue();
    String ip = ipOf(workspaceId);
    String output = "";
    for (int i = 0; i < 20; i++) {
      var process =
          new ProcessBuilder("ssh-keyscan", "-c", "-t", "ed25519", "-T", "2", ip)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      var cert =
          output
              .lines()
              .filter(line -> !line.startsWith("#"))
              .map(line -> List.of(line.split(" ")))
              .filter(parts -> parts.stream().anyMatch(part -> part.contains("-cert-v01@")))
              .map(
                  parts ->
                      parts.get(
                          parts.indexOf(
                                  parts.stream()
                                      .filter(part -> part.contains("-cert-v01@"))
                                      .findFirst()
                                      .orElseThrow())
                              + 1))
              .findFirst();
      if (cert.isPresent()) {
        return cert.get();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no host certificate from " + ip + ": " + output);
  }

  private static int indexOfCertificateType(List<String> parts) {
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).contains("-cert-v01@")) {
        return i;
      }
    }
    throw new IllegalArgumentException("no certificate in " + parts);
  }

  private String ipOf(String workspaceId) {
    return docker
        .inspectContainerCmd(container(workspaceId).getId())
        .exec()
        .getNetworkSettings()
        .getNetworks()
        .values()
        .iterator()
        .next()
        .getIpAddress();
  }

  /** Waits until the container's sshd accepts connections on its address, at most 10 s. */
  private boolean sshdListens(String workspaceId) throws Exception {
    String ip = ipOf(workspaceId);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (var socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(ip, 22), 200);
        return true;
      } catch (java.io.IOException e) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  @Test
  void aClaimHandsTheFilesOverWithoutTheEngineFallsBackWhenNobodyWaitsAndARestartKeepsThem()
      throws Exception {
    var daemon = daemon();
    daemon.fill(FillPool.of("f-1", "h1", warm, POOL, spec(warm)), 1);
    daemon.fill(FillPool.of("f-2", "h1", cold, POOL, spec(cold)), 1);
    reported();
    Path handoff = dataDir.resolve("handoff");
    assertThat(handoff.resolve(warm).resolve(Handoff.CLAIM))
        .as("each member waits on a FIFO of its own")
        .satisfies(fifo -> assertThat(Files.isRegularFile(fifo)).isFalse())
        .exists();
    assertThat(exec(warm, "sh", "-c", "test -p " + Handoff.TARGET + "/claim && echo fifo"))
        .isEqualTo("fifo");
    // The cold member's waiter is gone (the pattern is split so this command is not matched).
    exec(
        cold,
        "sh",
        "-c",
        "for p in /proc/[0-9]*; do grep -qa 'a4c-handoff/cl''aim' $p/cmdline 2>/dev/null"
            + " && kill -9 ${p#/proc/}; done; true");

    var alice = new WorkspaceLogin("alice", 100_001);
    var bob = new WorkspaceLogin("bob", 100_002);
    var aliceAccess = access(warm, alice);
    daemon.create(
        CreateWorkspace.of("c-1", "h1", warm, "alice", spec(warm)).withSsh(aliceAccess), 1);
    daemon.create(
        CreateWorkspace.of("c-2", "h1", cold, "bob", spec(cold)).withSsh(access(cold, bob)), 1);
    var running =
        reported().stream()
            .filter(WorkspaceStatus.class::isInstance)
            .map(WorkspaceStatus.class::cast)
            .filter(status -> status.state() == WorkspaceState.RUNNING)
            .toList();
    assertThat(running)
        .as("both claimed, through the FIFO and through the engine")
        .extracting(WorkspaceStatus::workspaceId, WorkspaceStatus::sshUnavailable)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(warm, null),
            org.assertj.core.groups.Tuple.tuple(cold, null));
    // The same create delivered again after the first died before its hostname entry: the
    // member is the user's already, so it is personalised again through the engine (nobody reads
    // the FIFO any more), the same container.
    new HostnameEntries(config).remove(warm);
    daemon.create(
        CreateWorkspace.of("c-1", "h1", warm, "alice", spec(warm)).withSsh(aliceAccess), 2);
    assertThat(reported())
        .filteredOn(WorkspaceStatus.class::isInstance)
        .extracting(e -> ((WorkspaceStatus) e).state(), e -> ((WorkspaceStatus) e).containerId())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(WorkspaceState.RUNNING, container(warm).getId()));
    assertThat(servedHostCertificate(warm)).isEqualTo(aliceAccess.hostCertificate().split(" ")[1]);

    // The create sent anew (the sweep re-sends a create stuck before RUNNING, with a new host
    // key): personalised again the same way, the same container; the sshd already running serves
    // the new key at once (it executes itself anew for each connection, which reads the host key
    // and certificate files again), though the claim's second sshd cannot bind the port.
    new HostnameEntries(config).remove(warm);
    var again = access(warm, alice, warm + "-again");
    daemon.create(CreateWorkspace.of("c-1b", "h1", warm, "alice", spec(warm)).withSsh(again), 1);
    assertThat(reported())
        .filteredOn(WorkspaceStatus.class::isInstance)
        .extracting(e -> ((WorkspaceStatus) e).state(), e -> ((WorkspaceStatus) e).containerId())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(WorkspaceState.RUNNING, container(warm).getId()));
    assertThat(servedHostCertificate(warm)).isEqualTo(again.hostCertificate().split(" ")[1]);
    for (String id : List.of(warm, cold)) {
      assertThat(exec(id, "cat", ContainerLabels.OWNER_FILE)).isIn("alice", "bob");
      assertThat(exec(id, "sh", "-c", "test -e " + Handoff.DONE + " && echo done"))
          .isEqualTo("done");
      // An account the user adds after the claim must survive a restart: nothing is extracted
      // again, and sshd comes back.
      exec(id, "sh", "-c", "echo 'later:x:1600:1600::/tmp:/bin/sh' >> /etc/passwd");
      docker.restartContainerCmd(container(id).getId()).withTimeout(1).exec();
      assertThat(sshdListens(id)).as("sshd after a restart of " + id).isTrue();
      assertThat(exec(id, "cat", "/etc/passwd")).contains("later:x:1600:1600");
    }

    daemon.delete(DeleteWorkspace.of("d-warm", "h1", warm, "alice"));
    assertThat(handoff.resolve(warm)).as("the directory goes with its container").doesNotExist();
  }
}
