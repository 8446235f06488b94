package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user reaches only their own workspaces; the answer for anyone else's is a plain 404. */
@ExtendWith(SharedRuntime.class)
class IsolationTest {

  @Test
  void bobCannotListGetOrDeleteAlicesWorkspace(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("isolation");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String alice = scenario.user("alice");
    String bob = scenario.user("bob");
    var running = scenario.createRunning(alice, project);
    String id = running.at("/workspaceId");
    String path = "/v1/users/" + alice + "/workspaces/" + id;

    var list = api.get("/v1/users/" + alice + "/workspaces", api.tokenOf(bob));
    var get = api.get(path, api.tokenOf(bob));
    var delete = api.delete(path, api.tokenOf(bob));
    var createInAlicesName =
        api.post(
            "/v1/users/" + alice + "/workspaces",
            api.tokenOf(bob),
            "{\"projectName\": \""
                + project
                + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}");

    assertThat(list.status()).isEqualTo(404);
    assertThat(get.status()).isEqualTo(404);
    assertThat(delete.status()).isEqualTo(404);
    // No existence leak: the answer is the same as for an id that names nothing.
    var nothing =
        api.get(
            "/v1/users/" + alice + "/workspaces/ws-0000000000000000000000zzzz", api.tokenOf(bob));
    assertThat(withoutEcho(get)).isEqualTo(withoutEcho(nothing));
    assertThat(api.get(path, api.tokenOf(alice)).at("/state")).isEqualTo("RUNNING");
    assertThat(api.get("/v1/users/" + bob + "/workspaces", api.tokenOf(bob)).json().get("items"))
        .isEmpty();
    assertThat(createInAlicesName.status()).isEqualTo(404);
    assertThat(
            api.get("/v1/users/" + alice + "/workspaces", api.tokenOf(alice)).json().get("items"))
        .hasSize(1);
    assertThat(fleet.containersOf(alice)).hasSize(1);
    assertThat(fleet.containersOf(bob)).isEmpty();

    api.delete(path, api.tokenOf(alice));
    scenario.awaitGone(alice, id);
  }

  /** The problem body without the members that echo the request (its path and id). */
  private static String withoutEcho(ApiClient.Reply reply) {
    return ((com.fasterxml.jackson.databind.node.ObjectNode) reply.json().deepCopy())
        .without(java.util.List.of("instance", "requestId"))
        .toString();
  }

  @Test
  void requestsWithoutAValidTokenAre401AndNonAdminsCannotUseAdminRoutes(ApiClient api) {
    var scenario = new Scenario(api);
    String alice = scenario.user("alice");

    assertThat(api.get("/v1/users/" + alice + "/workspaces", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/users/" + alice + "/workspaces", "not.a.token").status())
        .isEqualTo(401);
    String tampered = api.tokenOf(alice).substring(0, api.tokenOf(alice).length() - 4) + "AAAA";
    assertThat(api.get("/v1/users/" + alice + "/workspaces", tampered).status()).isEqualTo(401);
    assertThat(api.get("/v1/hosts", api.tokenOf(alice)).status()).isEqualTo(403);
    assertThat(api.put("/v1/projects/" + scenario.project("x"), api.tokenOf(alice), "{}").status())
        .isEqualTo(403);
  }
}
