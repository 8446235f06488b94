package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.sweeper.Sweeper;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestCaKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole sweep, as {@code SweeperFunction} runs it (the functions' graph, over Dynoxide and
 * ElasticMQ, on the test's clock), for what its workspace parts report: the deletes the stuck sweep
 * finishes without their DOWN host are in its result, and an expiry that cannot be carried out
 * fails it as the other parts' failures do. The test plays the hosts through {@link
 * WorkspaceServices}, over the same tables and queues.
 */
class SweeperWorkspacesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private WorkspaceServices services;
  private Sweeper sweeper;
  private WorkspaceView created;

  @BeforeEach
  void aRunningWorkspaceOnH1AndTheSweeperOfTheFunctionsGraph() throws Exception {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.DYNAMODB_ENDPOINT, dynamo.endpoint().toString());
    env.put(FunctionsEnv.SQS_ENDPOINT, sqs.endpoint().toString());
    env.putAll(dynamo.tableSettings());
    env.put(FunctionsEnv.SSH_CA_KEY_FILE, TestCaKey.temporary().toString());
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, sqs.hostQueuePrefix());
    env.put(FunctionsEnv.BUILD_QUEUE_URL_AMD64, sqs.createQueue("builds-amd64"));
    env.put(FunctionsEnv.BUILD_QUEUE_URL_ARM64, sqs.createQueue("builds-arm64"));
    sweeper =
        FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), services.clock).sweeper();

    services.host("h1", 0, 2, List.of(IMAGE));
    created = services.create(ALICE);
    services.commandsTo("h1");
    services.reports.apply(
        report(
            "h1",
            created,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            "c0ffee",
            "10.251.1.5"));
  }

  @Test
  void aDeleteTheStuckSweepFinishesWithoutItsDownHostIsCountedInTheSweepsResult() {
    services.deletion.delete(user(ALICE), ALICE, created.workspaceId());
    services.commandsTo("h1"); // the delete, which h1 never carries out: it goes down
    services.clock.advance(services.config.stuckAfter().plusSeconds(1));
    services.hosts.markDown(services.host("h1"));

    var result = sweeper.sweep();

    assertThat(result.workspacesDeletedWithoutHost()).isEqualTo(1);
    assertThat(result).isEqualTo(new Sweeper.Result(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.workspacesHeld(ALICE)).isZero();
  }

  @Test
  void anExpiryWhoseDeleteCannotBeSentFailsTheSweepAsAnyPartsFailureDoes() {
    services.setLifecycle(null, 1);
    services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());
    services.clock.advance(Duration.ofSeconds(1));
    services.reports.apply(
        WorkspaceStatus.of(
                "h1",
                created.workspaceId(),
                ALICE,
                WorkspaceState.STOPPED,
                WorkspaceStep.CONTAINER_STOPPED,
                "c0ffee",
                null,
                null,
                services.clock.instant())
            .forOperation(1L, IMAGE)
            .stoppedBecause(WorkspaceStatus.USER));
    services.commandsTo("h1");
    // h1 beats on throughout, so no sweep marks it DOWN.
    services.clock.advance(Duration.ofHours(1));
    services.host("h1", 0, 2, List.of(IMAGE));
    assertThat(sweeper.sweep().expiryWarnings()).isEqualTo(1);
    services.clock.advance(Duration.ofDays(1));
    services.host("h1", 0, 2, List.of(IMAGE));
    // But its queue refuses the expiry's delete.
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");

    assertThatThrownBy(sweeper::sweep)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("sweep: workspace expiry failed: workspace expiry: ")
        .hasMessageContaining(created.workspaceId());

    // The expiry went as far as it could: the record is DELETING, the sweeper re-sends the delete.
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
  }
}
