package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.workspaces.StepObserver;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.dynamo.Values;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Mailbox;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import io.a4c.local.testing.SshClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Stop, start, rebuild, the home volume and idle stop (issue 13), over HTTP against real engines:
 * what the containers, volumes and records do, what survives, and that a daemon killed between the
 * steps converges with nothing lost.
 */
@ExtendWith(SharedRuntime.class)
class WorkspaceStopStartTest {
  @TempDir Path dir;

  /**
   * A busybox project whose image {@code a4c-test/<project>:<change>} only {@code hostId} holds.
   */
  private static String pinnedProject(Scenario scenario, Fleet fleet, String hostId, String name) {
    String project = scenario.createProject(name);
    String image = "a4c-test/" + project + ":1";
    fleet.tag(hostId, "a4c-base:busybox", image);
    scenario.registerImage(project, "amd64", "1", image);
    awaitImageSeen(scenario.api(), image);
    return project;
  }

  private static void awaitImageSeen(ApiClient api, String image) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/hosts", api.adminToken()).body().contains(image));
  }

  private static ApiClient.Reply post(ApiClient api, String user, String id, String action) {
    return api.post(
        "/v1/users/" + user + "/workspaces/" + id + "/" + action, api.tokenOf(user), "");
  }

  private static long assigned(ApiClient api, String hostId) {
    var hosts = api.get("/v1/hosts", api.adminToken()).json().get("items");
    for (var host : hosts) {
      if (host.get("hostId").asText().equals(hostId)) {
        return host.get("assignedWorkspaces").asLong();
      }
    }
    throw new IllegalStateException("no host " + hostId);
  }

  private static String containerId(Fleet fleet, String hostId, String id) {
    var containers = fleet.containersOfWorkspace(hostId, id);
    assertThat(containers).hasSize(1);
    return containers.getFirst().getId();
  }

  private static boolean running(Fleet fleet, String hostId, String containerId) {
    return Boolean.TRUE.equals(
        fleet.docker(hostId).inspectContainerCmd(containerId).exec().getState().getRunning());
  }

  private static String homeVolume(String workspaceId) {
    return "a4c-home-" + workspaceId;
  }

  @Test
  void aStoppedWorkspaceFreesItsSlotAndStartsAgainInTheSameContainerWithItsHome(
      ApiClient api, Fleet fleet) throws Exception {
    String hostId = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = pinnedProject(scenario, fleet, hostId, "stopstart");
    String user = scenario.user("stopper");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    String container = containerId(fleet, hostId, id);
    fleet.exec(hostId, container, "sh", "-c", "echo kept > /home/note");
    long slotsBefore = assigned(api, hostId);

    var stopping = post(api, user, id, "stop");
    assertThat(stopping.status()).as(stopping.body()).isEqualTo(202);
    assertThat(stopping.at("/state")).isEqualTo("STOPPING");
    var stopped = scenario.awaitState(user, id, "STOPPED");

    assertThat(stopped.at("/stoppedReason")).isEqualTo("user");
    assertThat(stopped.at("/ip")).isNull();
    assertThat(running(fleet, hostId, container)).isFalse();
    assertThat(assigned(api, hostId)).isEqualTo(slotsBefore - 1);
    var again = post(api, user, id, "stop");
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.at("/state")).isEqualTo("STOPPED");
    // Another user's workspace is not there for them.
    String other = scenario.user("intruder");
    assertThat(post(api, other, id, "start").status()).isEqualTo(404);
    assertThat(
            api.post("/v1/users/" + user + "/workspaces/" + id + "/start", api.tokenOf(other), "")
                .status())
        .isEqualTo(404);

    // The reconciler (1 s rounds, 3 s grace here) neither starts nor removes it.
    Thread.sleep(6_000);
    assertThat(fleet.containersOfWorkspace(hostId, id)).hasSize(1);
    assertThat(running(fleet, hostId, container)).isFalse();
    assertThat(scenario.awaitState(user, id, "STOPPED").at("/state")).isEqualTo("STOPPED");

    var starting = post(api, user, id, "start");
    assertThat(starting.status()).as(starting.body()).isEqualTo(202);
    assertThat(starting.at("/state")).isEqualTo("STARTING");
    var restarted = scenario.awaitState(user, id, "RUNNING");

    assertThat(containerId(fleet, hostId, id)).isEqualTo(container);
    assertThat(restarted.at("/ip")).isNotBlank();
    assertThat(restarted.at("/stoppedReason")).isNull();
    assertThat(fleet.exec(hostId, container, "cat", "/home/note").strip()).isEqualTo("kept");
    assertThat(assigned(api, hostId)).isEqualTo(slotsBefore);

    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                fleet.docker(hostId).listVolumesCmd().exec().getVolumes().stream()
                    .noneMatch(v -> v.getName().equals(homeVolume(id))));
  }

  @Test
  void aRebuildOntoANewerImageKeepsTheHomeAndEndsWithOneContainerAtTheNewChange(
      ApiClient api, Fleet fleet) throws Exception {
    String hostId = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = pinnedProject(scenario, fleet, hostId, "rebuild");
    String user = scenario.user("rebuilder");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    String old = containerId(fleet, hostId, id);
    fleet.exec(hostId, old, "sh", "-c", "echo kept > /home/note");
    String newer = "a4c-test/" + project + ":2";
    fleet.tag(hostId, "a4c-base:busybox", newer);
    scenario.registerImage(project, "amd64", "2", newer);
    awaitImageSeen(api, newer);

    var rebuilding = post(api, user, id, "rebuild");
    assertThat(rebuilding.status()).as(rebuilding.body()).isEqualTo(202);
    assertThat(rebuilding.at("/state")).isEqualTo("REBUILDING");
    var rebuilt = scenario.awaitState(user, id, "RUNNING");

    assertThat(rebuilt.at("/change")).isEqualTo("2");
    assertThat(rebuilt.at("/imageRef")).isEqualTo(newer);
    var containers = fleet.containersOfWorkspace(hostId, id);
    assertThat(containers).hasSize(1);
    assertThat(containers.getFirst().getId()).isNotEqualTo(old);
    assertThat(containers.getFirst().getImage()).isEqualTo(newer);
    assertThat(fleet.exec(hostId, containers.getFirst().getId(), "cat", "/home/note").strip())
        .isEqualTo("kept");

    // A change that does not exist changes nothing.
    var missing =
        api.post(
            "/v1/users/" + user + "/workspaces/" + id + "/rebuild",
            api.tokenOf(user),
            "{\"change\": \"999\"}");
    assertThat(missing.status()).isBetween(400, 499);
    assertThat(missing.body()).contains("999");
    assertThat(scenario.awaitState(user, id, "RUNNING").at("/change")).isEqualTo("2");

    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  /** Moves a stopped workspace's deletion to {@code at}, as days passing would. */
  private static void deleteAfter(LocalRuntime runtime, String user, String id, Instant at) {
    try (var dynamo = runtime.newDynamoDbClient()) {
      dynamo.updateItem(
          b ->
              b.tableName(LocalTables.WORKSPACES)
                  .key(
                      Map.of(
                          "userId", AttributeValue.fromS(user),
                          "workspaceId", AttributeValue.fromS(id)))
                  .updateExpression("SET deleteAfter = :t")
                  .expressionAttributeValues(Map.of(":t", Values.instant(at))));
    }
  }

  @Test
  void aLongStoppedWorkspaceIsAnnouncedByEmailADayBeforeThenDeletedWithItsHome(
      ApiClient api, Fleet fleet, Mailbox mailbox, LocalRuntime runtime) {
    String hostId = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = pinnedProject(scenario, fleet, hostId, "expiry");
    scenario.setLifecycle(project, "{\"deleteAfterStoppedDays\": 3}");
    String user = scenario.user("expirer");
    String id = scenario.createRunning(user, project).at("/workspaceId");
    post(api, user, id, "stop");
    var stopped = scenario.awaitState(user, id, "STOPPED");
    assertThat(Instant.parse(stopped.at("/deleteAfter")))
        .isEqualTo(Instant.parse(stopped.at("/stoppedAt")).plus(Duration.ofDays(3)));

    // Two days later (the record's deadline moved, as time would): within a day of it.
    deleteAfter(runtime, user, id, Instant.now().plus(Duration.ofHours(20)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !mailbox.to(Scenario.emailOf(user)).isEmpty());
    var email = mailbox.to(Scenario.emailOf(user)).getFirst();
    assertThat(email.subject()).contains(id).contains("will be deleted");
    assertThat(email.text()).contains("/workspaces/" + id + "/start");
    assertThat(scenario.awaitState(user, id, "STOPPED").at("/state")).isEqualTo("STOPPED");

    deleteAfter(runtime, user, id, Instant.now().minusSeconds(1));
    scenario.awaitGone(user, id);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                fleet.docker(hostId).listVolumesCmd().exec().getVolumes().stream()
                    .noneMatch(v -> v.getName().equals(homeVolume(id))));
    assertThat(fleet.containersOfWorkspace(hostId, id)).isEmpty();
    assertThat(mailbox.to(Scenario.emailOf(user))).hasSize(1);
  }

  @Test
  void theReconcilerRemovesAHomeVolumeThatBelongsToNoWorkspace(Fleet fleet) {
    String hostId = fleet.hostIds().getFirst();
    String orphan = "ws-01jd00000000000000000000zz";
    var docker = fleet.docker(hostId);
    docker
        .createVolumeCmd()
        .withName(homeVolume(orphan))
        .withLabels(
            Map.of(
                ContainerLabels.MANAGED,
                "true",
                ContainerLabels.WORKSPACE_ID,
                orphan,
                ContainerLabels.USER_ID,
                "nobody",
                ContainerLabels.HOST_ID,
                hostId))
        .exec();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                docker.listVolumesCmd().exec().getVolumes().stream()
                    .noneMatch(v -> v.getName().equals(homeVolume(orphan))));
  }

  /**
   * Most of this test is a minute of waiting for the idle stop, so it runs beside this class's
   * other tests (junit-platform.properties), on a host none of them uses: the last of three.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void anIdleWorkspaceIsStoppedAndOneWithAnOpenSshSessionIsNot(ApiClient api, Fleet fleet)
      throws Exception {
    assumeTrue(fleet.hostIds().size() >= 3, "needs a host of its own (./a4c test starts three)");
    String hostId = fleet.hostIds().get(2);
    var scenario = new Scenario(api);
    String project = SshAccessTest.sourcesProject(scenario, fleet, hostId, "idle");
    scenario.setLifecycle(project, "{\"idleStopMinutes\": 1}");
    String user = scenario.user("idler");
    SshClient ssh = SshAccessTest.developer(dir, api, user, "laptop");
    var idle = scenario.createRunning(user, project);
    var busy = scenario.createRunning(user, project);
    long busySince = System.nanoTime();
    String login = busy.at("/ssh/user");
    try (var session =
        ssh.open(login, busy.at("/ssh/host"), busy.at("/ip"), "sleep 300 && echo done")) {
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  "STOPPED"
                      .equals(
                          api.get(
                                  "/v1/users/" + user + "/workspaces/" + idle.at("/workspaceId"),
                                  api.tokenOf(user))
                              .at("/state")));
      var stopped = scenario.awaitState(user, idle.at("/workspaceId"), "STOPPED");
      assertThat(stopped.at("/stoppedReason")).isEqualTo("idle");
      // Past the busy one's window by a few idle checks (2 s here): its session keeps it up.
      long window = TimeUnit.SECONDS.toNanos(70);
      long left = busySince + window - System.nanoTime();
      if (left > 0) {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
      }
      assertThat(session.alive()).isTrue();
      var still =
          api.get(
              "/v1/users/" + user + "/workspaces/" + busy.at("/workspaceId"), api.tokenOf(user));
      assertThat(still.at("/state")).as(still.body()).isEqualTo("RUNNING");
      assertThat(still.at("/lastActiveAt")).isNotNull();
    }
    for (var id : new String[] {idle.at("/workspaceId"), busy.at("/workspaceId")}) {
      api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
      scenario.awaitGone(user, id);
    }
  }

  /** The daemon's process dying at a step boundary (see StepObserver). */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @ParameterizedTest(name = "daemon dies after {1} of a {0}")
  @CsvSource({
    "stop, CONTAINER_STOPPED",
    "start, STARTED",
    "start, IP_ASSIGNED",
    "rebuild, CONTAINER_CREATED",
    "rebuild, SETUP_DONE"
  })
  void aDaemonKilledAfterAStepOfAnOperationConvergesWithNothingLost(
      String operation, WorkspaceStep step, ApiClient api, Fleet fleet, LocalRuntime runtime)
      throws Exception {
    String hostId = fleet.hostIds().get(fleet.hostIds().size() > 1 ? 1 : 0);
    var scenario = new Scenario(api);
    String project = pinnedProject(scenario, fleet, hostId, "crash-" + operation);
    String user = scenario.user("crash-" + operation);
    var created = scenario.createRunning(user, project);
    String id = created.at("/workspaceId");
    fleet.exec(hostId, containerId(fleet, hostId, id), "sh", "-c", "echo kept > /home/note");
    if (operation.equals("start")) {
      post(api, user, id, "stop");
      scenario.awaitState(user, id, "STOPPED");
    }
    if (operation.equals("rebuild")) {
      String newer = "a4c-test/" + project + ":2";
      fleet.tag(hostId, "a4c-base:busybox", newer);
      scenario.registerImage(project, "amd64", "2", newer);
      awaitImageSeen(api, newer);
    }
    var crashed = new CountDownLatch(1);
    var armed = new AtomicBoolean(true);
    runtime.stopDaemon(hostId);
    runtime.startDaemon(
        hostId,
        (workspaceId, completed) -> {
          if (workspaceId.equals(id) && completed == step && armed.compareAndSet(true, false)) {
            crashed.countDown();
            throw new SimulatedCrash();
          }
        });

    var asked = post(api, user, id, operation);
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    assertThat(crashed.await(60, TimeUnit.SECONDS)).as("the daemon reached " + step).isTrue();
    long injected = System.nanoTime();
    runtime.stopDaemon(hostId);
    runtime.startDaemon(hostId, StepObserver.NONE);

    var done = scenario.awaitState(user, id, operation.equals("stop") ? "STOPPED" : "RUNNING");
    FaultFigures.converged("daemon killed after " + step + " of a " + operation, injected);
    String container = containerId(fleet, hostId, id);
    if (operation.equals("rebuild")) {
      assertThat(done.at("/change")).isEqualTo("2");
    }
    if (operation.equals("stop")) {
      assertThat(running(fleet, hostId, container)).isFalse();
      post(api, user, id, "start");
      scenario.awaitState(user, id, "RUNNING");
    }
    assertThat(fleet.exec(hostId, container, "cat", "/home/note").strip()).isEqualTo("kept");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    assertThat(fleet.containersOf(user)).isEmpty();
  }
}
