package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.daemon.builds.BuildWorker;
import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildMessage;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.EventJson;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Mailbox;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What SQS and builders do to a build: duplicate deliveries, builders racing, a builder dying
 * mid-build, a job nobody finishes. Whatever happens, a build runs to one end, once, with one
 * email.
 */
@ExtendWith(SharedRuntime.class)
class BuildDeliveryTest {

  @Test
  void theSameJobDeliveredTwiceToTwoBuildersAtOnceRunsOneBuildWithOneCompletedAndOneEmail(
      ApiClient api, Mailbox mailbox, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "twice\n").substring(0, 12);
    String project = scenario.createGitProject("twice", repo, "echo built once > /once");
    String carol = scenario.user("carol");
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      String id = scenario.scheduleBuild(carol, project, change).at("/scheduleId");
      var job = probe.receiveJobOf(Arch.AMD64, id, 30);
      assertThat(job).as("the job on the build queue").isNotNull();
      probe.delete(job);
      int refusedBefore = probe.claimsRefused();

      probe.send(job.body());
      probe.send(job.body());
      // Two builders, both taking jobs from the same moment.
      var builders = probe.builders();
      builders.get(0).resume();
      builders.get(builders.size() > 1 ? 1 : 0).resume();

      var done = scenario.awaitBuild(carol, id, "COMPLETED");
      // The other copy's claim is refused. (At least one refusal: a job an earlier test left on
      // the shared queue may be refused in the same window; one claim granted, attempts 1, is
      // what says the build ran once.)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> probe.claimsRefused() - refusedBefore >= 1);
      assertThat(done.at("/attempts")).isEqualTo("1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> mailbox.to(Scenario.emailOf(carol)).size() == 1);

      // The builder's report delivered again changes nothing and sends nothing.
      String hostId = done.at("/workerId").split("/")[0];
      probe.sendHostEvent(
          hostId,
          """
          {"type": "BuildEnded", "version": 1, "hostId": "%s", "scheduleId": "%s", "userId": "%s", "workerId": "%s",
           "attempt": 1, "status": "COMPLETED", "change": "%s", "imageRef": "%s", "digest": "%s", "log": "again",
           "at": "2030-01-01T00:00:00Z"}
          """
              .formatted(
                  hostId,
                  id,
                  carol,
                  done.at("/workerId"),
                  change,
                  done.at("/imageRef"),
                  done.at("/digest")));
      await().atMost(Duration.ofSeconds(10)).until(probe::hostEventsDrained);
      var after = api.get("/v1/users/" + carol + "/image-schedules/" + id, api.tokenOf(carol));
      assertThat(after.at("/status")).isEqualTo("COMPLETED");
      assertThat(after.at("/updatedAt")).isEqualTo(done.at("/updatedAt"));
      assertThat(mailbox.to(Scenario.emailOf(carol))).hasSize(1);
      assertThat(
              api.get("/v1/users/" + carol + "/image-schedules/" + id + "/log", api.tokenOf(carol))
                  .at("/log"))
          .isNotEqualTo("again");
    }
  }

  @Test
  void aBuilderKilledMidBuildLetsAnotherBuilderTakeTheJobOverAndComplete(
      ApiClient api, Mailbox mailbox, LocalRuntime runtime) {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "slow\n").substring(0, 12);
    String project = scenario.createGitProject("slow", repo, "sleep 8", "echo done > /done");
    String dave = scenario.user("dave");
    try (var probe = new BuildQueueProbe(runtime)) {
      String id = scenario.scheduleBuild(dave, project, change).at("/scheduleId");
      var taken = scenario.awaitBuild(dave, id, "IN_PROGRESS");
      String firstHost = taken.at("/workerId").split("/")[0];
      BuildWorker first = probe.builderOf(firstHost);
      try {
        first.kill();

        var done = scenario.awaitBuild(dave, id, "COMPLETED");
        assertThat(done.at("/workerId")).doesNotStartWith(firstHost + "/");
        assertThat(done.at("/attempts")).isEqualTo("2");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> mailbox.to(Scenario.emailOf(dave)).size() == 1);
        assertThat(
                api.get("/v1/users/" + dave + "/image-schedules/" + id + "/log", api.tokenOf(dave))
                    .at("/attempt"))
            .isEqualTo("2");
      } finally {
        first.start();
      }
    }
  }

  @Test
  void aBuildWhoseBuilderDiedWithItsJobLostIsSentAgainByTheSweeperAndCompletesOnce(
      ApiClient api, Mailbox mailbox, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "redriven\n").substring(0, 12);
    String project = scenario.createGitProject("redriven", repo, "sleep 8", "echo done > /done");
    String frank = scenario.user("frank");
    try (var probe = new BuildQueueProbe(runtime)) {
      String id = scenario.scheduleBuild(frank, project, change).at("/scheduleId");
      var taken = scenario.awaitBuild(frank, id, "IN_PROGRESS");
      String firstHost = taken.at("/workerId").split("/")[0];
      BuildWorker first = probe.builderOf(firstHost);
      var others = probe.builders().stream().filter(b -> b != first).toList();
      try {
        for (BuildWorker other : others) {
          other.pause();
        }
        first.kill();
        // Its job comes back once its visibility runs out, and is lost for good: no delivery
        // will take the build over, only the sweeper's re-drive can.
        var job =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> probe.receiveJobOf(Arch.AMD64, id, 60), m -> m != null);
        probe.delete(job);
        others.forEach(BuildWorker::resume);

        var done = scenario.awaitBuild(frank, id, "COMPLETED");
        assertThat(done.at("/workerId")).doesNotStartWith(firstHost + "/");
        assertThat(done.at("/attempts")).isEqualTo("2");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> mailbox.to(Scenario.emailOf(frank)).size() == 1);
      } finally {
        others.forEach(BuildWorker::resume);
        first.start();
      }
    }
  }

  @Test
  void aJobThatNoBuilderFinishesGoesToTheDeadLetterQueueAndItsBuildFailsWithTheReason(
      ApiClient api, Mailbox mailbox, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "lost\n").substring(0, 12);
    String project = scenario.createGitProject("lost", repo);
    String erin = scenario.user("erin");
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      String id = scenario.scheduleBuild(erin, project, change).at("/scheduleId");
      // Taken and never finished, as many times as the queue allows (3 locally, as in AWS).
      for (int receive = 1; receive <= runtime.config().builds().maxReceives(); receive++) {
        assertThat(probe.receiveJobOf(Arch.AMD64, id, 0)).as("receive " + receive).isNotNull();
      }
      // One more: the queue moves it to its dead-letter queue instead.
      probe.receiveJobOf(Arch.AMD64, id, 0);

      var failed = scenario.awaitBuild(erin, id, "FAILED");
      assertThat(failed.at("/reason"))
          .contains("no builder finished the build")
          .contains("3 times");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> mailbox.to(Scenario.emailOf(erin)).size() == 1);
      assertThat(mailbox.to(Scenario.emailOf(erin)).getFirst().text())
          .contains("no builder finished the build");
    }
  }

  @Test
  void aJobNoBuilderCanReadIsNeitherBuiltNorLostButParkedInTheDeadLetterQueue(LocalRuntime runtime)
      throws Exception {
    // A later release's job (a version this one does not know) and garbage, on the queue the
    // running builders take from.
    var job =
        BuildJob.of(
            "bs-01jd00000000000000000000ff",
            "erin",
            BuildKind.USER,
            "unreadable",
            "main",
            Arch.AMD64,
            "4711",
            new BuildSpec(
                "a4c-base:busybox", List.of(), List.of(), BuildSource.perforce("//depot/x")),
            Instant.now());
    String later =
        EventJson.newMapper()
            .writerFor(BuildMessage.class)
            .writeValueAsString(job)
            .replace("\"version\":" + job.version(), "\"version\":" + (job.version() + 98));
    assertThat(later).contains("\"version\":" + (job.version() + 98));
    try (var probe = new BuildQueueProbe(runtime)) {
      int parked = probe.deadLettered(Arch.AMD64);
      int refused = probe.builders().stream().mapToInt(BuildWorker::claimsRefused).sum();
      probe.send(later);
      probe.send("not a build job");

      // Each builder that takes one hands it back at once; after the queue's receives it is
      // moved to the dead-letter queue, whose consumer leaves there what it cannot read.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> probe.deadLettered(Arch.AMD64) == parked + 2);
      Thread.sleep(3_000);
      assertThat(probe.deadLettered(Arch.AMD64)).as("still parked").isEqualTo(parked + 2);
      // A job read would have been claimed, and refused: it has no schedule.
      assertThat(probe.builders().stream().mapToInt(BuildWorker::claimsRefused).sum())
          .as("claims refused")
          .isEqualTo(refused);
      // Not left for the rest of the suite, whose dead-letter consumer would keep reading them
      // (a readable job it takes and deletes within a second: nothing else waits there).
      probe.purgeDeadLetterQueue(Arch.AMD64);
      await().atMost(Duration.ofSeconds(10)).until(() -> probe.deadLettered(Arch.AMD64) == 0);
    }
  }
}
