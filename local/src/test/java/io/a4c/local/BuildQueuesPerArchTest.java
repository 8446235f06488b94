package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.Arch;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Mailbox;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One build queue per arch: a job goes to its arch's queue, and a builder polls its own arch's
 * queue only. The local engines are amd64, so here no builder of arm64 exists.
 */
@ExtendWith(SharedRuntime.class)
class BuildQueuesPerArchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Only this class makes arm64 builds and no builder takes their jobs: leave none behind. */
  @AfterEach
  void emptyTheArm64Queue(LocalRuntime runtime) {
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.purge(Arch.ARM64);
    }
  }

  @Test
  void aJobOfEachArchLandsOnTheQueueOfItsArchOnly(ApiClient api, LocalRuntime runtime)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "routed\n").substring(0, 12);
    String project = scenario.createGitProject("routed", repo);
    String ivan = scenario.user("ivan");
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      String amd64 = scenario.scheduleBuild(ivan, project, change, "amd64").at("/scheduleId");
      String arm64 = scenario.scheduleBuild(ivan, project, change, "arm64").at("/scheduleId");
      List<Message> onAmd64 = new ArrayList<>();
      try {
        // Only this class schedules arm64 builds, and leaves their queue empty: this is its one
        // job.
        var onArm64 = probe.receive(Arch.ARM64, 30);
        assertThat(onArm64).as("the job on the arm64 queue").isNotNull();
        assertThat(JSON.readTree(onArm64.body()).path("scheduleId").asText()).isEqualTo(arm64);
        assertThat(JSON.readTree(onArm64.body()).path("arch").asText()).isEqualTo("arm64");
        // Other tests may have left amd64 jobs: take them all, find ours, and never the arm64 one.
        for (Message m = probe.receive(Arch.AMD64, 30);
            m != null;
            m = probe.receive(Arch.AMD64, 30)) {
          onAmd64.add(m);
        }
        List<String> amd64Ids = new ArrayList<>();
        for (Message m : onAmd64) {
          amd64Ids.add(JSON.readTree(m.body()).path("scheduleId").asText());
        }
        assertThat(amd64Ids).contains(amd64).doesNotContain(arm64);
      } finally {
        // Cancelled, the amd64 job is refused at the claim once put back, with the others'.
        for (String id : List.of(amd64, arm64)) {
          api.delete("/v1/users/" + ivan + "/image-schedules/" + id, api.tokenOf(ivan));
        }
        for (Message m : onAmd64) {
          probe.send(Arch.AMD64, m.body());
          probe.delete(Arch.AMD64, m);
        }
      }
    }
  }

  @Test
  void amd64BuildersNeverReceiveAnArm64JobWhichWaitsForABuilderOfItsArchWhileAnAmd64BuildCompletes(
      ApiClient api, Mailbox mailbox, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "two arches\n").substring(0, 12);
    String project = scenario.createGitProject("arches", repo);
    String judy = scenario.user("judy");
    try (var probe = new BuildQueueProbe(runtime)) {
      String arm64 = scenario.scheduleBuild(judy, project, change, "arm64").at("/scheduleId");
      String amd64 = scenario.scheduleBuild(judy, project, change, "amd64").at("/scheduleId");

      scenario.awaitBuild(judy, amd64, "COMPLETED");

      var waiting = api.get("/v1/users/" + judy + "/image-schedules/" + arm64, api.tokenOf(judy));
      assertThat(waiting.at("/status")).isEqualTo("SCHEDULED");
      assertThat(waiting.at("/waiting/code")).isEqualTo("no-builder-for-arch");
      assertThat(waiting.at("/waiting/reason")).contains("no builder of arch arm64");
      assertThat(waiting.json().at("/waiting/position").asInt())
          .as("behind no amd64 build")
          .isEqualTo(1);
      // Every builder polled all along, yet the arm64 job was never handed out: ours is its first
      // receive.
      var job = probe.receive(Arch.ARM64, 30);
      assertThat(job).as("the arm64 job, still on its queue").isNotNull();
      assertThat(JSON.readTree(job.body()).path("scheduleId").asText()).isEqualTo(arm64);
      assertThat(job.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
          .isEqualTo("1");

      // Parked in the arm64 dead-letter queue, as SQS would after its last receive: that queue's
      // consumer fails the build too.
      probe.sendToDeadLetterQueue(Arch.ARM64, job.body());
      probe.delete(Arch.ARM64, job);
      var failed = scenario.awaitBuild(judy, arm64, "FAILED");
      assertThat(failed.at("/reason")).contains("no builder finished the build");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> mailbox.to(Scenario.emailOf(judy)).size() == 2);
    }
  }

  @Test
  void anArm64UserBuildThatNoBuilderServesHoldsBackNoAmd64RecurringBuild(ApiClient api)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "held\n").substring(0, 12);
    String project = scenario.project("unheld");
    String admin = api.adminToken();
    String kim = scenario.user("kim");
    String arm64 = null;
    try {
      assertThat(
              api.put("/v1/projects/" + project, admin, Scenario.gitProjectJson(repo, "[]"))
                  .status())
          .isEqualTo(200);
      arm64 = scenario.scheduleBuild(kim, project, change, "arm64").at("/scheduleId");
      var cron =
          api.put(
              "/v1/projects/" + project,
              admin,
              Scenario.gitProjectJson(
                  repo,
                  "[{\"parentName\": \"main\", \"arch\": \"amd64\", \"cron\": \"cron(* * * * ? *)\"}]"));
      assertThat(cron.status()).as(cron.body()).isEqualTo(200);

      // Ticks (every second here) release the amd64 recurring build although a user build waits:
      // that one is arm64, on a queue no amd64 builder takes from.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> recurringStatuses(api, project).contains("COMPLETED"));
      assertThat(
              api.get("/v1/users/" + kim + "/image-schedules/" + arm64, api.tokenOf(kim))
                  .at("/status"))
          .isEqualTo("SCHEDULED");
    } finally {
      api.put("/v1/projects/" + project, admin, Scenario.gitProjectJson(repo, "[]"));
      if (arm64 != null) {
        api.delete("/v1/users/" + kim + "/image-schedules/" + arm64, api.tokenOf(kim));
      }
    }
  }

  private static List<String> recurringStatuses(ApiClient api, String project) {
    List<String> statuses = new ArrayList<>();
    api.get("/v1/users/a4c-recurring/image-schedules?limit=100", api.adminToken())
        .json()
        .get("items")
        .forEach(
            b -> {
              if (b.path("projectName").asText().equals(project)) {
                statuses.add(b.path("status").asText());
              }
            });
    return statuses;
  }
}
