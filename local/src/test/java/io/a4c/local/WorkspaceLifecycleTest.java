package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A workspace's whole life over HTTP, against a real Docker engine. */
@ExtendWith(SharedRuntime.class)
class WorkspaceLifecycleTest {

  @Test
  void createdWorkspaceRunsInALabelledContainerAndDeleteRemovesContainerAndRecord(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("lifecycle", "echo ready > /tmp/a4c-setup");
    scenario.registerImage(project, "amd64", "100", "a4c-base:busybox");
    String alice = scenario.user("alice");

    var created = scenario.requestWorkspace(alice, project, "amd64");
    assertThat(created.status()).isEqualTo(202);
    assertThat(created.at("/state")).isEqualTo("PENDING");
    String id = created.at("/workspaceId");
    String hostId = created.at("/hostId");
    String hostname = created.at("/hostname");
    assertThat(hostname).isEqualTo(id + ".ws.a4c.internal");
    assertThat(created.headers().get("location"))
        .containsExactly("/v1/users/" + alice + "/workspaces/" + id);

    var running = scenario.awaitState(alice, id, "RUNNING");
    assertThat(running.at("/step")).isEqualTo("HOSTNAME_REGISTERED");
    assertThat(running.at("/ip")).isNotBlank();

    var containers = fleet.containersOfWorkspace(hostId, id);
    assertThat(containers).hasSize(1);
    var container = containers.getFirst();
    assertThat(container.getNames()).containsExactly("/" + ContainerLabels.containerName(id));
    assertThat(container.getLabels())
        .containsEntry(ContainerLabels.MANAGED, "true")
        .containsEntry(ContainerLabels.WORKSPACE_ID, id)
        .containsEntry(ContainerLabels.USER_ID, alice)
        .containsEntry(ContainerLabels.HOST_ID, hostId);
    var inspected = fleet.docker(hostId).inspectContainerCmd(container.getId()).exec();
    assertThat(inspected.getConfig().getHostName()).isEqualTo(id);
    assertThat(inspected.getConfig().getDomainName()).isEqualTo("ws.a4c.internal");
    assertThat(inspected.getState().getRunning()).isTrue();
    assertThat(inspected.getHostConfig().getPrivileged()).isFalse();
    assertThat(inspected.getHostConfig().getMemory()).isEqualTo(128L * 1024 * 1024);
    assertThat(inspected.getHostConfig().getPidsLimit()).isEqualTo(128L);
    assertThat(
            inspected.getNetworkSettings().getNetworks().values().iterator().next().getIpAddress())
        .isEqualTo(running.at("/ip"));
    Path hostsFile = runtime.config().dataDir().resolve("hosts").resolve(hostId).resolve("hosts");
    assertThat(Files.readString(hostsFile)).contains(running.at("/ip") + " " + hostname);

    var listed = api.get("/v1/users/" + alice + "/workspaces", api.tokenOf(alice));
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().get("items")).hasSize(1);
    assertThat(listed.at("/items/0/workspaceId")).isEqualTo(id);
    assertThat(listed.at("/items/0/state")).isEqualTo("RUNNING");

    var deleted = api.delete("/v1/users/" + alice + "/workspaces/" + id, api.tokenOf(alice));
    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.at("/state")).isEqualTo("DELETING");
    scenario.awaitGone(alice, id);

    assertThat(fleet.containersOfWorkspace(hostId, id)).isEmpty();
    assertThat(Files.readString(hostsFile)).doesNotContain(hostname);
    assertThat(
            api.get("/v1/users/" + alice + "/workspaces", api.tokenOf(alice)).json().get("items"))
        .isEmpty();
  }

  @Test
  void setupCommandThatFailsLeavesTheWorkspaceFailedWithTheReasonAndNoContainer(
      ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project =
        scenario.createProject("badsetup", "echo step-one", "echo missing-tool >&2; exit 3");
    scenario.registerImage(project, "amd64", "7", "a4c-base:busybox");
    String alice = scenario.user("alice");

    var created = scenario.requestWorkspace(alice, project, "amd64");
    String id = created.at("/workspaceId");
    var failed = scenario.awaitState(alice, id, "FAILED");

    assertThat(failed.at("/reason"))
        .contains("setup command 2 exited with 3")
        .contains("missing-tool");
    assertThat(fleet.containersOfWorkspace(created.at("/hostId"), id)).isEmpty();

    assertThat(api.delete("/v1/users/" + alice + "/workspaces/" + id, api.tokenOf(alice)).status())
        .isEqualTo(202);
    scenario.awaitGone(alice, id);
  }

  @Test
  void listIsPaginatedWithAnOpaqueTokenInCreationOrder(ApiClient api) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("pages");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String carol = scenario.user("carol");
    var ids = new java.util.ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      ids.add(scenario.requestWorkspace(carol, project, "amd64").at("/workspaceId"));
    }

    var first = api.get("/v1/users/" + carol + "/workspaces?limit=2", api.tokenOf(carol));
    assertThat(first.json().get("items")).hasSize(2);
    String token = first.at("/nextToken");
    assertThat(token).isNotBlank();
    var second =
        api.get(
            "/v1/users/" + carol + "/workspaces?limit=2&nextToken=" + token, api.tokenOf(carol));
    var seen = new java.util.ArrayList<String>();
    first.json().get("items").forEach(n -> seen.add(n.get("workspaceId").asText()));
    second.json().get("items").forEach(n -> seen.add(n.get("workspaceId").asText()));
    assertThat(seen).containsExactlyElementsOf(ids);

    for (String id : ids) {
      api.delete("/v1/users/" + carol + "/workspaces/" + id, api.tokenOf(carol));
    }
    ids.forEach(id -> scenario.awaitGone(carol, id));
  }
}
