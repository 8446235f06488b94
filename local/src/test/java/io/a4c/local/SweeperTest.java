package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.workspaces.StepObserver;
import io.a4c.events.HostQueues;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Work whose queue message was lost is re-driven by the sweeper past its deadline. */
@ExtendWith(SharedRuntime.class)
class SweeperTest {

  @Test
  void aCreateWhoseCommandWasLostIsSentAgainAndEndsRunning(
      ApiClient api, Fleet fleet, LocalRuntime runtime) {
    String hostId = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = scenario.createProject("lost");
    String image = "a4c-test/" + project + ":1";
    fleet.tag(hostId, "a4c-base:busybox", image);
    scenario.registerImage(project, "amd64", "1", image);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> api.get("/v1/hosts", api.adminToken()).body().contains(image));
    String user = scenario.user("quinn");

    // The host's daemon is away just long enough for its command to be lost.
    runtime.stopDaemon(hostId);
    String id;
    long injected;
    try (var sqs = runtime.newSqsClient()) {
      var created = scenario.requestWorkspace(user, project, "amd64");
      assertThat(created.status()).as(created.body()).isEqualTo(202);
      id = created.at("/workspaceId");
      String queue =
          sqs.getQueueUrl(b -> b.queueName(HostQueues.commandQueueName("a4c-host-", hostId)))
              .queueUrl();
      sqs.purgeQueue(b -> b.queueUrl(queue));
      injected = System.nanoTime();
    } finally {
      runtime.startDaemon(hostId, StepObserver.NONE);
    }
    assertThat(api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)).at("/state"))
        .isEqualTo("PENDING");

    var running = scenario.awaitState(user, id, "RUNNING");

    // The API does not show the re-drive count; the stored record does.
    try (var dynamo = runtime.newDynamoDbClient()) {
      var stored =
          dynamo
              .getItem(
                  b ->
                      b.tableName(LocalTables.WORKSPACES)
                          .key(
                              Map.of(
                                  "userId",
                                  AttributeValue.fromS(user),
                                  "workspaceId",
                                  AttributeValue.fromS(id)))
                          .consistentRead(true))
              .item();
      assertThat(stored.get("redrives").n()).isEqualTo("1");
    }
    FaultFigures.converged("create command lost (stuck deadline 20 s)", injected);
    assertThat(fleet.containersOfWorkspace(hostId, id)).hasSize(1);
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  /**
   * A build's job goes missing after the build was written SCHEDULED: purged from the queue after
   * it was sent ("lost"), or never sent because the scheduler died between the write and marking it
   * queued ("never-sent", made by writing that state back into the record). Either way the sweeper
   * sends it past the deadline and the build completes, once.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lost", "never-sent"})
  void aBuildWhoseJobIsNotOnTheQueueIsSentAgainAndCompletesOnce(
      String how, ApiClient api, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", how + "\n").substring(0, 12);
    String project = scenario.createGitProject("lostjob", repo);
    String user = scenario.user("lorna");
    String id;
    long injected;
    try (var probe = new BuildQueueProbe(runtime);
        var sqs = runtime.newSqsClient();
        var dynamo = runtime.newDynamoDbClient()) {
      int refusedBefore = probe.claimsRefused();
      probe.pauseAll();
      try {
        id = scenario.scheduleBuild(user, project, change).at("/scheduleId");
        sqs.purgeQueue(b -> b.queueUrl(runtime.buildQueueUrl(io.a4c.events.Arch.AMD64)));
        if (how.equals("never-sent")) {
          dynamo.updateItem(
              b ->
                  b.tableName(LocalTables.BUILD_SCHEDULES)
                      .key(
                          Map.of(
                              "userId",
                              AttributeValue.fromS(user),
                              "scheduleId",
                              AttributeValue.fromS(id)))
                      .updateExpression("SET queued = :false REMOVE lastSentAt")
                      .expressionAttributeValues(Map.of(":false", AttributeValue.fromBool(false))));
        }
        injected = System.nanoTime();
      } finally {
        probe.resumeAll();
      }
      assertThat(
              api.get("/v1/users/" + user + "/image-schedules/" + id, api.tokenOf(user))
                  .at("/status"))
          .isEqualTo("SCHEDULED");

      var built = scenario.awaitBuild(user, id, "COMPLETED");

      FaultFigures.converged("build job " + how + " (stuck deadline 20 s)", injected);
      assertThat(built.at("/attempts")).isEqualTo("1");
      // Sent once more, not once per sweep: no builder was handed a second copy.
      assertThat(probe.claimsRefused()).isEqualTo(refusedBefore);
    }
  }
}
