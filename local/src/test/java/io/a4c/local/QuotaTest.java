package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-user workspace quotas: counted in the create transaction, so even a burst cannot pass them.
 */
@ExtendWith(SharedRuntime.class)
class QuotaTest {

  @Test
  void theWorkspaceAfterTheQuotaIs429UntilOneIsDeleted(ApiClient api, Fleet fleet)
      throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.project("quota");
    var put =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://git.example.com/q.git"}, "baseImage": "a4c-base:busybox",
             "tools": [], "parents": ["main"], "setup": [], "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128},
             "quotas": {"maxWorkspacesPerUser": 2}}
            """);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.at("/config/quotas/maxWorkspacesPerUser")).isEqualTo("2");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("quincy");
    String list = "/v1/users/" + user + "/workspaces";

    // Five at once against a quota of two: exactly two are made.
    List<Future<ApiClient.Reply>> burst = new ArrayList<>();
    Callable<ApiClient.Reply> create = () -> scenario.requestWorkspace(user, project, "amd64");
    try (var pool = Executors.newFixedThreadPool(5)) {
      for (int i = 0; i < 5; i++) {
        burst.add(pool.submit(create));
      }
    }
    List<String> made = new ArrayList<>();
    List<ApiClient.Reply> refused = new ArrayList<>();
    for (var future : burst) {
      var reply = future.get();
      if (reply.status() == 202) {
        made.add(reply.at("/workspaceId"));
      } else {
        refused.add(reply);
      }
    }
    assertThat(made).hasSize(2);
    assertThat(refused).hasSize(3);
    for (var reply : refused) {
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
      assertThat(reply.at("/type")).isEqualTo("https://a4c.io/problems/quota-exceeded");
      assertThat(reply.at("/reason")).isEqualTo("workspace-quota");
      assertThat(reply.at("/detail"))
          .contains("you hold 2 workspaces")
          .contains("at most 2")
          .contains("Delete a workspace");
      assertThat(reply.headers().get("retry-after")).containsExactly("30");
    }
    assertThat(api.get(list, api.tokenOf(user)).json().get("items")).hasSize(2);

    // The N+1th, one at a time, is refused too; after a delete, creation works again.
    assertThat(scenario.requestWorkspace(user, project, "amd64").status()).isEqualTo(429);
    api.delete(list + "/" + made.get(0), api.tokenOf(user));
    scenario.awaitGone(user, made.get(0));
    var again = scenario.requestWorkspace(user, project, "amd64");
    assertThat(again.status()).as(again.body()).isEqualTo(202);
    made.set(0, again.at("/workspaceId"));

    for (String id : made) {
      api.delete(list + "/" + id, api.tokenOf(user));
    }
    for (String id : made) {
      scenario.awaitGone(user, id);
    }
    assertThat(fleet.containersOf(user)).isEmpty();
  }

  @Test
  void aProjectQuotaOutsideItsRangeIsA400NamingTheField(ApiClient api) {
    var reply =
        api.put(
            "/v1/projects/" + new Scenario(api).project("quota-bad"),
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://git.example.com/q.git"}, "baseImage": "a4c-base:busybox",
             "parents": ["main"], "quotas": {"maxWorkspacesPerUser": -1}}
            """);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.at("/field")).isEqualTo("quotas.maxWorkspacesPerUser");
  }
}
