package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** POST …/workspaces with an Idempotency-Key: retries make one workspace, never two. */
@ExtendWith(SharedRuntime.class)
class IdempotencyTest {

  @Test
  void tenConcurrentRetriesWithOneKeyMakeOneWorkspace(ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("idem");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("ivy");
    String key = UUID.randomUUID().toString();
    String body =
        "{\"projectName\": \"" + project + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}";
    Callable<ApiClient.Reply> retry =
        () ->
            api.send(
                "POST",
                "/v1/users/" + user + "/workspaces",
                api.tokenOf(user),
                body,
                "application/json",
                Map.of("Idempotency-Key", key));

    long injected = System.nanoTime();
    List<Future<ApiClient.Reply>> replies = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(10)) {
      for (int i = 0; i < 10; i++) {
        replies.add(pool.submit(retry));
      }
    }
    var ids = new java.util.HashSet<String>();
    for (var reply : replies) {
      assertThat(reply.get().status()).as(reply.get().body()).isEqualTo(202);
      ids.add(reply.get().at("/workspaceId"));
    }

    assertThat(ids).hasSize(1);
    FaultFigures.converged("create retried 10 times at once with one Idempotency-Key", injected);
    String id = ids.iterator().next();
    scenario.awaitState(user, id, "RUNNING");
    assertThat(api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user)).json().get("items"))
        .hasSize(1);
    assertThat(fleet.containersOf(user)).hasSize(1);
    assertThat(retry.call().at("/workspaceId")).isEqualTo(id);

    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422AndMakesNothing(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("idem2");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("jack");
    String path = "/v1/users/" + user + "/workspaces";
    Map<String, String> key = Map.of("Idempotency-Key", "order-66");

    var first =
        api.send(
            "POST",
            path,
            api.tokenOf(user),
            "{\"projectName\": \"" + project + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}",
            "application/json",
            key);
    var other =
        api.send(
            "POST",
            path,
            api.tokenOf(user),
            "{\"projectName\": \""
                + project
                + "\", \"parentName\": \"main\", \"arch\": \"amd64\", \"name\": \"other\"}",
            "application/json",
            key);
    var badKey =
        api.send(
            "POST",
            path,
            api.tokenOf(user),
            "{\"projectName\": \"" + project + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}",
            "application/json",
            Map.of("Idempotency-Key", "no spaces allowed"));

    assertThat(first.status()).isEqualTo(202);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.at("/field")).isEqualTo("Idempotency-Key");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(api.get(path, api.tokenOf(user)).json().get("items")).hasSize(1);

    String id = first.at("/workspaceId");
    scenario.awaitState(user, id, "RUNNING");
    assertThat(fleet.containersOf(user)).hasSize(1);
    api.delete(path + "/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }
}
