package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hosts that stop heartbeating go DOWN and come back, their workspaces saying so and deletable
 * meanwhile; admins drain hosts.
 */
@ExtendWith(SharedRuntime.class)
class HostHealthTest {

  private static String status(ApiClient api, String hostId) {
    for (JsonNode host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
      if (host.get("hostId").asText().equals(hostId)) {
        return host.get("status").asText();
      }
    }
    return null;
  }

  @Test
  void aStoppedHostGoesDownNewWorkspacesAvoidItAndItComesBack(ApiClient api, Fleet fleet) {
    assumeTrue(fleet.hostIds().size() >= 3, "needs three Docker engines (./a4c test starts them)");
    String down = fleet.hostIds().getLast();
    var scenario = new Scenario(api);
    String project = scenario.createProject("health");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("nina");
    // A workspace on the host that will stop, to see what its owner sees.
    String pinned = scenario.createProject("health-pinned");
    fleet.tag(down, "a4c-base:busybox", "a4c-test/" + pinned + ":1");
    scenario.registerImage(pinned, "amd64", "1", "a4c-test/" + pinned + ":1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/hosts", api.adminToken()).body().contains(pinned));
    var onDownHost = scenario.createRunning(user, pinned);
    assertThat(onDownHost.at("/hostId")).isEqualTo(down);
    List<String> ids = new ArrayList<>(List.of(onDownHost.at("/workspaceId")));

    long injected = System.nanoTime();
    try {
      fleet.stopEngine(down);
      await().atMost(Duration.ofSeconds(90)).until(() -> "DOWN".equals(status(api, down)));
      FaultFigures.converged("host stopped: marked DOWN (includes dockerd's stop)", injected);

      for (int i = 0; i < 3; i++) {
        var placed = scenario.requestWorkspace(user, project, "amd64");
        assertThat(placed.status()).as(placed.body()).isEqualTo(202);
        assertThat(placed.at("/hostId")).isNotEqualTo(down);
        ids.add(placed.at("/workspaceId"));
      }
      var list = api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user));
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().get("items")).hasSize(4);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "false"
                      .equals(
                          api.get(
                                  "/v1/users/"
                                      + user
                                      + "/workspaces/"
                                      + onDownHost.at("/workspaceId"),
                                  api.tokenOf(user))
                              .at("/hostReachable")));
      // Its owner is told why, and may delete it at once: the record goes without the host.
      String lost = onDownHost.at("/workspaceId");
      String path = "/v1/users/" + user + "/workspaces/" + lost;
      assertThat(api.get(path, api.tokenOf(user)).at("/unreachable"))
          .contains("host " + down + " has sent no heartbeat since");
      var deleted = api.delete(path, api.tokenOf(user));
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
      assertThat(api.get(path, api.tokenOf(user)).status()).isEqualTo(404);
      ids.remove(lost);
    } finally {
      injected = System.nanoTime();
      fleet.startEngine(down);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> "ACTIVE".equals(status(api, down)));
    FaultFigures.converged("host started again: ACTIVE (includes dockerd's start)", injected);
    for (String id : ids) {
      api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    }
    ids.forEach(id -> scenario.awaitGone(user, id));
    // Including the deleted workspace's container on the host that came back: its reconciler
    // removes it once older than the reconcile grace.
    await().atMost(Duration.ofSeconds(120)).until(() -> fleet.containersOf(user).isEmpty());
  }

  @Test
  void aDrainingHostTakesNoNewWorkspacesUntilItIsActiveAgain(ApiClient api, Fleet fleet) {
    String drained = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = scenario.createProject("drain");
    fleet.tag(drained, "a4c-base:busybox", "a4c-test/" + project + ":1");
    scenario.registerImage(project, "amd64", "1", "a4c-test/" + project + ":1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/hosts", api.adminToken()).body().contains(project));
    String user = scenario.user("olga");

    var drain =
        api.put("/v1/hosts/" + drained + "/status", api.adminToken(), "{\"status\": \"DRAINING\"}");
    try {
      assertThat(drain.status()).as(drain.body()).isEqualTo(200);
      assertThat(drain.at("/status")).isEqualTo("DRAINING");
      var refused = scenario.requestWorkspace(user, project, "amd64");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.at("/reason")).isEqualTo("no-live-host");
      assertThat(
              api.put(
                      "/v1/hosts/" + drained + "/status",
                      api.tokenOf(user),
                      "{\"status\": \"ACTIVE\"}")
                  .status())
          .isEqualTo(403);
      assertThat(
              api.put(
                      "/v1/hosts/" + drained + "/status",
                      api.adminToken(),
                      "{\"status\": \"DOWN\"}")
                  .at("/field"))
          .isEqualTo("status");
    } finally {
      assertThat(
              api.put(
                      "/v1/hosts/" + drained + "/status",
                      api.adminToken(),
                      "{\"status\": \"ACTIVE\"}")
                  .status())
          .isEqualTo(200);
    }
    var placed = scenario.requestWorkspace(user, project, "amd64");
    assertThat(placed.status()).isEqualTo(202);
    String id = placed.at("/workspaceId");
    scenario.awaitState(user, id, "RUNNING");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  @Test
  void anAdminCanForceDeleteAWorkspaceAndTheReconcilerRemovesItsContainer(
      ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("force");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("pat");
    String id = scenario.createRunning(user, project).at("/workspaceId");
    String path = "/v1/users/" + user + "/workspaces/" + id;

    assertThat(api.delete(path + "?force=true", api.tokenOf(user)).status()).isEqualTo(403);
    var forced = api.delete(path + "?force=true", api.adminToken());

    assertThat(forced.status()).isEqualTo(200);
    assertThat(api.get(path, api.tokenOf(user)).status()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.containersOf(user).isEmpty());
  }
}
