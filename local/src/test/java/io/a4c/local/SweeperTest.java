package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.workspaces.StepObserver;
import io.a4c.events.HostQueues;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Work whose queue message was lost is re-driven by the sweeper past its deadline. */
@ExtendWith(SharedRuntime.class)
class SweeperTest {

  @Test
  void aCreateWhoseCommandWasLostIsSentAgainAndEndsRunning(ApiClient api, Fleet fleet, LocalRuntime runtime) {
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
    try (var sqs =
        runtime.newSqsClient()) {
      var created = scenario.requestWorkspace(user, project, "amd64");
      assertThat(created.status()).as(created.body()).isEqualTo(202);
      id = created.at("/workspaceId");
      String queue = sqs.getQueueUrl(b -> b.queueName(HostQueues.commandQueueName("a4c-host-", hostId))).queueUrl();
      sqs.purgeQueue(b -> b.queueUrl(queue));
      injected = System.nanoTime();
    } finally {
      runtime.startDaemon(hostId, StepObserver.NONE);
    }
    assertThat(api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)).at("/state")).isEqualTo("PENDING");

    var running = scenario.awaitState(user, id, "RUNNING");

    assertThat(running.at("/redrives")).isEqualTo("1");
    FaultFigures.converged("create command lost (stuck deadline 20 s)", injected);
    assertThat(fleet.containersOfWorkspace(hostId, id)).hasSize(1);
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }
}
