package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.workspaces.StepObserver;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.HostCommand;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import io.a4c.events.HostQueues;
import io.a4c.events.WorkspaceSpec;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Failures in the middle of work, on real engines: a daemon that dies after any step, a Docker
 * engine stopped mid-create, every command and event delivered twice. Nothing is lost, nothing is
 * left behind.
 */
@ExtendWith(SharedRuntime.class)
class FaultToleranceTest {
  /** The daemon's process dying at a step boundary (see StepObserver). */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  private static String pinnedProject(
      Scenario scenario, Fleet fleet, String hostId, String name, String... setup) {
    String project = scenario.createProject(name, setup);
    String image = "a4c-test/" + project + ":1";
    fleet.tag(hostId, "a4c-base:busybox", image);
    scenario.registerImage(project, "amd64", "1", image);
    return project;
  }

  private static void awaitImageSeen(ApiClient api, String hostId, String project) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.get("/v1/hosts", api.adminToken())
                    .body()
                    .contains("a4c-test/" + project + ":1"));
  }

  @ParameterizedTest(name = "daemon dies after {0}")
  @EnumSource(
      value = WorkspaceStep.class,
      names = {"ACCEPTED", "CONTAINER_CREATED", "STARTED", "SETUP_DONE", "IP_ASSIGNED"})
  void aDaemonKilledAfterAnyStepLeavesOneContainerAndTheWorkspaceRunning(
      WorkspaceStep step, ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    String hostId = fleet.hostIds().get(fleet.hostIds().size() > 1 ? 1 : 0);
    var scenario = new Scenario(api);
    String project =
        pinnedProject(scenario, fleet, hostId, "crash", "echo set up > /tmp/a4c-setup");
    awaitImageSeen(api, hostId, project);
    String user = scenario.user("crash");
    var crashed = new CountDownLatch(1);
    var armed = new AtomicBoolean(true);
    runtime.stopDaemon(hostId);
    runtime.startDaemon(
        hostId,
        (workspaceId, completed) -> {
          if (completed == step && armed.compareAndSet(true, false)) {
            crashed.countDown();
            throw new SimulatedCrash();
          }
        });

    var created = scenario.requestWorkspace(user, project, "amd64");
    assertThat(created.at("/hostId")).isEqualTo(hostId);
    assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
    long injected = System.nanoTime();
    runtime.stopDaemon(hostId);
    runtime.startDaemon(hostId, StepObserver.NONE);

    String id = created.at("/workspaceId");
    scenario.awaitState(user, id, "RUNNING");
    assertThat(fleet.containersOfWorkspace(hostId, id)).hasSize(1);
    FaultFigures.converged("daemon killed after " + step, injected);
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    assertThat(fleet.containersOf(user)).isEmpty();
  }

  @Test
  void aDockerEngineStoppedMidCreateStillEndsWithOneRunningContainer(ApiClient api, Fleet fleet) {
    assumeTrue(
        fleet.hostIds().size() >= 3,
        "needs an engine of its own to stop (./a4c test starts three)");
    String hostId = fleet.hostIds().getLast();
    var scenario = new Scenario(api);
    // Long enough a setup that the poll sees STARTED (sent 50 ms after it is reached) before it
    // ends.
    String project = pinnedProject(scenario, fleet, hostId, "engine", "sleep 8");
    awaitImageSeen(api, hostId, project);
    String user = scenario.user("outage");

    var created = scenario.requestWorkspace(user, project, "amd64");
    String id = created.at("/workspaceId");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                "STARTED"
                    .equals(
                        api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user))
                            .at("/step")));
    long injected = System.nanoTime();
    try {
      fleet.stopEngine(hostId);
    } finally {
      fleet.startEngine(hostId);
    }

    var done =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)),
                r -> "RUNNING".equals(r.at("/state")) || "FAILED".equals(r.at("/state")));
    if ("RUNNING".equals(done.at("/state"))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fleet.containersOfWorkspace(hostId, id).size() == 1);
    } else {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fleet.containersOfWorkspace(hostId, id).isEmpty());
    }
    FaultFigures.converged(
        "dockerd stopped mid-create (ended " + done.at("/state") + ")", injected);
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.containersOf(user).isEmpty());
  }

  @Test
  void everyCommandAndEventDeliveredTwiceChangesNothingTwice(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    String hostId = fleet.hostIds().getFirst();
    var scenario = new Scenario(api);
    String project = pinnedProject(scenario, fleet, hostId, "twice");
    awaitImageSeen(api, hostId, project);
    String user = scenario.user("twice");
    int assignedBefore = assigned(api, hostId);
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    // Every write of the record moves updatedAt: unchanged means not written.
    String updatedAt = running.at("/updatedAt");
    String containerId = running.at("/containerId");
    String ip = running.at("/ip");
    ObjectMapper json = EventJson.newMapper();
    long injected = System.nanoTime();

    try (var sqs = runtime.newSqsClient()) {
      String events = sqs.getQueueUrl(b -> b.queueName("a4c-host-events")).queueUrl();
      String commands =
          sqs.getQueueUrl(b -> b.queueName(HostQueues.commandQueueName("a4c-host-", hostId)))
              .queueUrl();
      Instant at = Instant.now();
      // Every event of the create, again, and the create command, again.
      for (var event :
          List.of(
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.CREATING,
                  WorkspaceStep.ACCEPTED,
                  null,
                  null,
                  null,
                  at),
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.CREATING,
                  WorkspaceStep.CONTAINER_CREATED,
                  containerId,
                  null,
                  null,
                  at),
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.CREATING,
                  WorkspaceStep.STARTED,
                  containerId,
                  null,
                  null,
                  at),
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.CREATING,
                  WorkspaceStep.SETUP_DONE,
                  containerId,
                  null,
                  null,
                  at),
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.CREATING,
                  WorkspaceStep.IP_ASSIGNED,
                  containerId,
                  ip,
                  null,
                  at),
              WorkspaceStatus.of(
                  hostId,
                  id,
                  user,
                  WorkspaceState.RUNNING,
                  WorkspaceStep.HOSTNAME_REGISTERED,
                  containerId,
                  ip,
                  null,
                  at))) {
        sendEvent(
            sqs,
            runtime,
            events,
            hostId,
            json.writerFor(HostEvent.class).writeValueAsString(event));
      }
      var spec =
          new WorkspaceSpec(
              running.at("/imageRef"), running.at("/hostname"), List.of(), 0.5, 128, 128);
      sendCommand(
          sqs,
          json,
          commands,
          CreateWorkspace.of(UUID.randomUUID().toString(), hostId, id, user, spec));

      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(8))
          .until(
              () ->
                  updatedAt.equals(
                          api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user))
                              .at("/updatedAt"))
                      && fleet.containersOfWorkspace(hostId, id).size() == 1);

      api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
      scenario.awaitGone(user, id);
      // The delete command and its DELETED report, again: the slot must not be released twice.
      sendCommand(
          sqs, json, commands, DeleteWorkspace.of(UUID.randomUUID().toString(), hostId, id, user));
      String deleted =
          json.writerFor(HostEvent.class)
              .writeValueAsString(
                  WorkspaceStatus.of(
                      hostId,
                      id,
                      user,
                      WorkspaceState.DELETED,
                      WorkspaceStep.REMOVED,
                      null,
                      null,
                      null,
                      Instant.now()));
      sendEvent(sqs, runtime, events, hostId, deleted);
    }

    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .until(
            () ->
                api.get("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)).status()
                        == 404
                    && fleet.containersOf(user).isEmpty()
                    && assigned(api, hostId) == assignedBefore);
    // The replayed events were signed as their host signs them, so they reached the consumer's
    // apply (and changed nothing there) rather than being dropped by the sender check.
    try (var sqs = runtime.newSqsClient()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> queued(sqs, runtime.hostEventsQueueUrl()) == 0);
    }
    var audit = api.get("/v1/audit?userId=" + user + "&limit=100", api.adminToken()).json();
    assertThat(audit.get("items"))
        .isNotEmpty()
        .noneSatisfy(
            item -> assertThat(item.path("action").asText()).isEqualTo("host-event.rejected"));
    FaultFigures.converged("every command and event delivered twice (incl. 4 s watch)", injected);
  }

  /** A host event as {@code hostId}'s daemon sends it: signed with that host's key. */
  private static void sendEvent(
      SqsClient sqs, LocalRuntime runtime, String queue, String hostId, String body) {
    String signature = HostEventSignatures.sign(runtime.hostEventKey(hostId), body);
    sqs.sendMessage(
        b ->
            b.queueUrl(queue)
                .messageBody(body)
                .messageAttributes(
                    Map.of(
                        HostEventSignatures.ATTRIBUTE,
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(signature)
                            .build())));
  }

  /** Messages on a queue, visible or in flight. */
  private static int queued(SqsClient sqs, String queue) {
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static void sendCommand(
      SqsClient sqs, ObjectMapper json, String queue, HostCommand command) throws Exception {
    String body = json.writerFor(HostCommand.class).writeValueAsString(command);
    sqs.sendMessage(
        b ->
            b.queueUrl(queue)
                .messageBody(body)
                .messageGroupId(command.workspaceId())
                .messageDeduplicationId(command.commandId()));
  }

  private static int assigned(ApiClient api, String hostId) {
    for (var host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
      if (host.get("hostId").asText().equals(hostId)) {
        return host.get("assignedWorkspaces").asInt();
      }
    }
    throw new IllegalStateException("no host " + hostId);
  }
}
