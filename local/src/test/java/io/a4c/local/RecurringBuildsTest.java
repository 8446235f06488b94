package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A project's cron builds its parent's newest change; an admin pauses and resumes them. */
@ExtendWith(SharedRuntime.class)
class RecurringBuildsTest {

  @Test
  void aProjectsCronBuildsTheNewestChangeOnlyWhileRecurringBuildsAreNotPaused(ApiClient api) {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    repo.commit("VERSION", "1\n");
    String newest = repo.commit("VERSION", "2\n");
    String project = scenario.project("nightly");
    String admin = api.adminToken();
    try {
      var paused = api.put("/v1/recurring-builds", admin, "{\"paused\": true}");
      assertThat(paused.status()).isEqualTo(200);
      assertThat(paused.at("/paused")).isEqualTo("true");
      assertThat(
              api.put(
                      "/v1/recurring-builds",
                      api.tokenOf(scenario.user("not-admin")),
                      "{\"paused\": false}")
                  .status())
          .isEqualTo(403);
      var put =
          api.put(
              "/v1/projects/" + project,
              admin,
              Scenario.gitProjectJson(
                  repo,
                  "[{\"parentName\": \"main\", \"cron\": \"cron(* * * * ? *)\"}]",
                  "cat /src/VERSION"));
      assertThat(put.status()).as(put.body()).isEqualTo(200);

      // Paused: ticks (every second here) schedule nothing for it.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> recurringOf(api, project).isEmpty());

      assertThat(api.put("/v1/recurring-builds", admin, "{\"paused\": false}").at("/paused"))
          .isEqualTo("false");
      var built =
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> recurringOf(api, project),
                  list ->
                      list.stream().anyMatch(b -> b.path("status").asText().equals("COMPLETED")));
      JsonNode build =
          built.stream()
              .filter(b -> b.path("status").asText().equals("COMPLETED"))
              .findFirst()
              .orElseThrow();
      assertThat(build.path("kind").asText()).isEqualTo("RECURRING");
      assertThat(build.path("change").asText()).isEqualTo(newest.substring(0, 12));
      assertThat(build.path("imageRef").asText())
          .endsWith("/a4c-images:" + project + "_main_amd64_" + newest.substring(0, 12));
    } finally {
      api.put("/v1/projects/" + project, admin, Scenario.gitProjectJson(repo, "[]"));
      api.put("/v1/recurring-builds", admin, "{\"paused\": false}");
    }
  }

  private static List<JsonNode> recurringOf(ApiClient api, String project) {
    List<JsonNode> found = new ArrayList<>();
    String token = null;
    do {
      var page =
          api.get(
              "/v1/users/a4c-recurring/image-schedules?limit=100"
                  + (token == null ? "" : "&nextToken=" + token),
              api.adminToken());
      page.json()
          .get("items")
          .forEach(
              b -> {
                if (b.path("projectName").asText().equals(project)) {
                  found.add(b);
                }
              });
      token = page.at("/nextToken");
    } while (token != null);
    return found;
  }
}
