package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.HostConfig;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Things done behind A4C's back, on a real engine, brought back in line by the reconciler: a
 * container removed by hand, a labelled container nobody recorded, a record deleted by hand, a
 * create whose last reports were lost.
 */
@ExtendWith(SharedRuntime.class)
class ReconcilerTest {

  @Test
  void aContainerRemovedBehindA4csBackIsMadeAgainWithItsHome(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("recon1");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("kim");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    String hostId = running.at("/hostId");
    fleet.exec(hostId, running.at("/containerId"), "sh", "-c", "echo kept > /home/note");

    long injected = System.nanoTime();
    fleet.docker(hostId).removeContainerCmd(running.at("/containerId")).withForce(true).exec();

    var remade =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)),
                reply ->
                    "RUNNING".equals(reply.at("/state"))
                        && !running.at("/containerId").equals(reply.at("/containerId")));
    FaultFigures.converged("container removed behind A4C's back, made again", injected);
    assertThat(remade.at("/change")).isEqualTo("1");
    var containers = fleet.containersOfWorkspace(hostId, id);
    assertThat(containers).hasSize(1);
    assertThat(fleet.exec(hostId, containers.getFirst().getId(), "cat", "/home/note").strip())
        .isEqualTo("kept");
    assertThat(api.get("/v1/audit?userId=" + user, api.adminToken()).body())
        .contains("workspace.recreate");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    assertThat(fleet.containersOf(user)).isEmpty();
  }

  /**
   * A running workspace container at another address than its record's: what dockerd's restart of
   * it (restart policy unless-stopped) may give on the default bridge. Here the container is moved
   * without a stop — taken off its network, a container takes the old address, and it is put back —
   * since a stop and two starts take longer than the tests' 3 s reconciler grace on a busy engine,
   * and a RUNNING workspace whose container stayed stopped that long is, rightly, followed to
   * STOPPED.
   */
  @Test
  void aContainerAtANewAddressHasItsHostnameEntryAndRecordMovedThere(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("recon4");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("ines");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    String hostId = running.at("/hostId");
    String containerId = running.at("/containerId");
    String before = running.at("/ip");
    var docker = fleet.docker(hostId);
    Path hostsFile = runtime.config().dataDir().resolve("hosts").resolve(hostId).resolve("hosts");

    // The filler joins the workspace's network (the host's workspace subnet), to take its address.
    String network =
        docker
            .inspectContainerCmd(containerId)
            .exec()
            .getNetworkSettings()
            .getNetworks()
            .keySet()
            .iterator()
            .next();
    String filler =
        docker
            .createContainerCmd("a4c-base:busybox")
            .withCmd("sleep", "600")
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network))
            .withIpv4Address(before)
            .exec()
            .getId();
    try {
      docker
          .disconnectFromNetworkCmd()
          .withNetworkId(network)
          .withContainerId(containerId)
          .withForce(true)
          .exec();
      docker.startContainerCmd(filler).exec();
      docker.connectToNetworkCmd().withNetworkId(network).withContainerId(containerId).exec();
      assertThat(docker.inspectContainerCmd(containerId).exec().getState().getRunning())
          .as("moved, never stopped")
          .isTrue();
      String after =
          docker
              .inspectContainerCmd(containerId)
              .exec()
              .getNetworkSettings()
              .getNetworks()
              .values()
              .iterator()
              .next()
              .getIpAddress();
      assertThat(after).as("the engine gave the container another address").isNotEqualTo(before);
      long injected = System.nanoTime();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  after.equals(
                      api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user))
                          .at("/ip")));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(hostsFile).contains(after + " " + running.at("/hostname")));
      FaultFigures.converged("container moved to a new address", injected);
      assertThat(Files.readString(hostsFile))
          .doesNotContain(before + " " + running.at("/hostname"));
      assertThat(api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)).at("/state"))
          .isEqualTo("RUNNING");
    } finally {
      docker.removeContainerCmd(filler).withForce(true).exec();
    }
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  /**
   * What a crash of the runtime leaves when the create finished on the host but its last reports
   * died with the process: the record at CREATING/SETUP_DONE, without an address, while the
   * container runs with its hostname entry. The inventory tells, well before the stuck deadline.
   */
  @Test
  void aCreatingRecordWhoseContainerRunsWithItsHostnameEntryIsMovedToRunning(
      ApiClient api, Fleet fleet, LocalRuntime runtime) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("recon5");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("omar");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    String ip = running.at("/ip");

    long injected = System.nanoTime();
    String written;
    try (var dynamo = runtime.newDynamoDbClient()) {
      written =
          dynamo
              .updateItem(
                  b ->
                      b.tableName("a4c-workspaces")
                          .returnValues(ReturnValue.ALL_NEW)
                          .key(
                              Map.of(
                                  "userId", AttributeValue.fromS(user),
                                  "workspaceId", AttributeValue.fromS(id)))
                          .updateExpression(
                              "SET #state = :creating, #step = :setupDone, inFlight = :flight,"
                                  + " #version = #version + :one REMOVE ip")
                          .expressionAttributeNames(
                              Map.of("#state", "state", "#step", "step", "#version", "version"))
                          .expressionAttributeValues(
                              Map.of(
                                  ":creating", AttributeValue.fromS("CREATING"),
                                  ":setupDone", AttributeValue.fromS("SETUP_DONE"),
                                  ":flight", AttributeValue.fromS("1"),
                                  ":one", AttributeValue.fromN("1"))))
              .attributes()
              .get("state")
              .s();
    }
    // What was written, not what the API reads after it: the reconciler may repair the record in
    // between on a slow machine.
    assertThat(written).isEqualTo("CREATING");

    // Before the stuck deadline (20 s here), past which the sweeper would re-drive the create.
    String path = "/v1/users/" + user + "/workspaces/" + id;
    var repaired =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> api.get(path, api.tokenOf(user)), r -> "RUNNING".equals(r.at("/state")));
    FaultFigures.converged("CREATING record whose create finished on the host", injected);
    assertThat(repaired.at("/ip")).isEqualTo(ip);
    assertThat(repaired.at("/containerId")).isEqualTo(running.at("/containerId"));
    assertThat(fleet.containersOf(user)).hasSize(1);
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  @Test
  void aLabelledContainerWithNoRecordIsRemovedAfterTheGracePeriod(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String user = scenario.user("stray");
    String hostId = fleet.hostIds().getLast();
    String workspaceId = "ws-0000000000" + "strayc0ntainer00".substring(0, 16);
    fleet
        .docker(hostId)
        .createContainerCmd("a4c-base:busybox")
        .withName(ContainerLabels.containerName(workspaceId))
        .withLabels(ContainerLabels.of(workspaceId, user, hostId))
        .exec();
    assertThat(fleet.containersOf(user)).hasSize(1);
    long injected = System.nanoTime();

    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.containersOf(user).isEmpty());
    FaultFigures.converged("labelled container with no record", injected);
  }

  @Test
  void aRecordDeletedByHandLeavesAStrayContainerThatIsRemoved(
      ApiClient api, Fleet fleet, LocalRuntime runtime) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("recon3");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("lee");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");

    long injected = System.nanoTime();
    try (var dynamo = runtime.newDynamoDbClient()) {
      dynamo.deleteItem(
          b ->
              b.tableName("a4c-workspaces")
                  .key(
                      Map.of(
                          "userId",
                          AttributeValue.fromS(user),
                          "workspaceId",
                          AttributeValue.fromS(id))));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.containersOf(user).isEmpty());
    FaultFigures.converged("record deleted by hand", injected);
    assertThat(api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)).status())
        .isEqualTo(404);
  }
}
