package io.a4c.daemon.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a4c.daemon.aws.CommandQueue;
import io.a4c.daemon.aws.SqsLeases;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.daemon.workspaces.RetryLater;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.HostCommand;
import io.a4c.events.PrefetchImage;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceLogin;
import io.a4c.events.WorkspaceSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The command consumer on a real FIFO queue (ElasticMQ) with a recording handler in place of the
 * provisioner: what is handed over, in which order, what is acknowledged and what SQS delivers
 * again. Visibility is 2 s, the least the daemon accepts, so a redelivery takes seconds.
 */
class HostCommandConsumerTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();

  private static final WorkspaceSpec SPEC =
      new WorkspaceSpec("10.250.0.1:5000/a4c-images:base", "ws-a", List.of(), 1, 512, 256);

  /**
   * What the handler was given: "create ws-a 1" (with the receive count), "delete ws-a". The tests
   * name workspaces ws-a, ws-b, ...; their ids are {@link #id} of that.
   */
  private final List<String> handled = new CopyOnWriteArrayList<>();

  /** Which commands the handler fails (with {@link #failure}); set to none to let them pass. */
  private volatile Predicate<HostCommand> failing = c -> false;

  private volatile RuntimeException failure = new IllegalStateException("engine down");

  /** Creates wait for this latch before they end (the ones {@link #held} names). */
  private volatile CountDownLatch holding = new CountDownLatch(0);

  private volatile Predicate<HostCommand> held = c -> true;
  private Thread poller;
  private DaemonConfig config;
  private WorkspaceCommandHandler handler;
  private CommandQueue queue;
  private String url;
  private HostCommandConsumer consumer;
  private final CommandsInHand inHand = new CommandsInHand();

  @BeforeEach
  void consumer() {
    config = sqs.config(Map.of(DaemonEnv.COMMAND_VISIBILITY_SECONDS, "2"));
    queue = new CommandQueue(sqs.client(), config);
    url = queue.ensureExists();
    handler =
        new WorkspaceCommandHandler() {
          @Override
          public void create(CreateWorkspace command, int receiveCount)
              throws InterruptedException {
            handled.add("create " + name(command) + " " + receiveCount);
            if (held.test(command)) {
              holding.await();
            }
            if (failing.test(command)) {
              throw failure;
            }
          }

          @Override
          public void syncKeys(io.a4c.events.SyncSshKeys command) {
            handled.add("sync " + name(command) + " r" + command.keysRevision());
          }

          @Override
          public void delete(DeleteWorkspace command) {
            handled.add("delete " + name(command));
            if (failing.test(command)) {
              throw failure;
            }
          }

          @Override
          public void stop(io.a4c.events.StopWorkspace command) {
            handled.add("stop " + name(command) + " op " + command.operation());
          }

          @Override
          public void start(io.a4c.events.StartWorkspace command, int receiveCount) {
            handled.add(
                "start " + name(command) + " op " + command.operation() + " " + receiveCount);
          }

          @Override
          public void rebuild(io.a4c.events.RebuildWorkspace command, int receiveCount) {
            handled.add(
                "rebuild " + name(command) + " op " + command.operation() + " " + receiveCount);
          }

          @Override
          public void prefetch(PrefetchImage command) throws InterruptedException {
            handled.add("prefetch " + command.imageRef());
            if (held.test(command)) {
              holding.await();
            }
          }

          @Override
          public void fill(io.a4c.events.FillPool command, int receiveCount) {
            handled.add("fill " + name(command) + " " + command.pool() + " " + receiveCount);
          }
        };
    consumer = newConsumer();
  }

  /** A consumer of the queue with {@link #config}, the handler and {@link #inHand}. */
  private HostCommandConsumer newConsumer() {
    return new HostCommandConsumer(
        queue, handler, EventJson.newMapper(), new SqsLeases(Clock.systemUTC()), config, inHand);
  }

  @AfterEach
  void close() throws InterruptedException {
    holding.countDown();
    if (poller != null) {
      poller.interrupt();
      poller.join();
    }
    consumer.close();
  }

  /**
   * Replaces the consumer with one whose pool runs what it is handed on the thread that hands it
   * over, to its end: each command ends before the next is handed over, the earliest a real pool
   * could end it.
   */
  private void runCommandsAsTheyAreTaken() {
    consumer.close();
    consumer =
        new HostCommandConsumer(
            queue,
            handler,
            EventJson.newMapper(),
            new SqsLeases(Clock.systemUTC()),
            config,
            inHand,
            new CallersThread());
  }

  /** An executor service that runs a task at once, on the caller's thread. */
  private static final class CallersThread extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** Polls on a thread of its own, as the daemon does, until the test ends. */
  private void keepPolling() {
    poller =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      consumer.pollOnce();
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
  }

  /** Waits until {@code expected} messages are on the queue, visible or in flight. */
  private void awaitOnQueue(int expected) {
    await().atMost(Duration.ofSeconds(10)).until(() -> onQueue() == expected);
  }

  private void send(String group, String body) {
    sqs.client()
        .sendMessage(
            b ->
                b.queueUrl(url)
                    .messageGroupId(group)
                    .messageDeduplicationId(Integer.toString(body.hashCode()))
                    .messageBody(body));
  }

  private void send(HostCommand command) throws Exception {
    send(command.messageGroup(), EventJson.newMapper().writeValueAsString(command));
  }

  /** A workspace id for a test's name of it: ws-a is ws-aaaaaaaaaaaaaaaaaaaaaaaaaa. */
  private static String id(String name) {
    return "ws-" + name.substring(3).repeat(26);
  }

  private static String name(HostCommand command) {
    return command.workspaceId().substring(0, 4);
  }

  private static CreateWorkspace create(String name) {
    return CreateWorkspace.of("c-" + name, "h1", id(name), "alice", SPEC);
  }

  private static SyncSshKeys sync(String name, long revision) {
    return SyncSshKeys.of(
        "k-" + name + "-" + revision,
        "h1",
        id(name),
        "alice",
        new WorkspaceLogin("alice", WorkspaceLogin.FIRST_UID),
        List.of(),
        revision);
  }

  private static DeleteWorkspace delete(String name) {
    return DeleteWorkspace.of("d-" + name, "h1", id(name), "alice");
  }

  /** Messages on the queue, visible or in flight. */
  private int onQueue() {
    var attributes =
        sqs.client()
            .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  /** Polls until the handler has been given {@code expected}. */
  private void pollUntilHandled(String... expected) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              consumer.pollOnce();
              return handled.containsAll(List.of(expected));
            });
  }

  @Test
  void aWorkspacesCommandsAreHandedOverInOrderAndAcknowledged() throws Exception {
    send(create("ws-a"));
    send(delete("ws-a"));

    pollUntilHandled("create ws-a 1", "delete ws-a");

    assertThat(handled).containsExactly("create ws-a 1", "delete ws-a");
    awaitOnQueue(0);
  }

  @Test
  void prefetchesRunOneAtATimeBesideAWorkspacesCommands() throws Exception {
    holding = new CountDownLatch(1);
    held = c -> c instanceof PrefetchImage p && p.imageRef().endsWith("_1");
    send(PrefetchImage.of("p-1", "h1", "10.250.0.1:5000/a4c-images:kernel_main_amd64_1"));
    send(PrefetchImage.of("p-2", "h1", "10.250.0.1:5000/a4c-images:kernel_main_amd64_2"));
    send(create("ws-a"));

    // The first prefetch holds its pull: the create runs, the second prefetch waits behind it.
    pollUntilHandled("prefetch 10.250.0.1:5000/a4c-images:kernel_main_amd64_1", "create ws-a 1");
    for (int i = 0; i < 5; i++) {
      consumer.pollOnce();
    }
    assertThat(handled).doesNotContain("prefetch 10.250.0.1:5000/a4c-images:kernel_main_amd64_2");

    holding.countDown();
    pollUntilHandled("prefetch 10.250.0.1:5000/a4c-images:kernel_main_amd64_2");
    awaitOnQueue(0);
  }

  @Test
  void stopStartAndRebuildAreHandedOverInOrderWithTheirOperations() throws Exception {
    send(io.a4c.events.StopWorkspace.of("s-1", "h1", id("ws-a"), "alice", 1));
    send(io.a4c.events.StartWorkspace.of("s-2", "h1", id("ws-a"), "alice", 2));
    send(io.a4c.events.RebuildWorkspace.of("r-3", "h1", id("ws-a"), "alice", 3, SPEC, null));
    send(DeleteWorkspace.keepingHome("d-4", "h1", id("ws-a"), "alice"));

    pollUntilHandled("stop ws-a op 1", "start ws-a op 2 1", "rebuild ws-a op 3 1", "delete ws-a");

    assertThat(handled)
        .containsExactly(
            "stop ws-a op 1", "start ws-a op 2 1", "rebuild ws-a op 3 1", "delete ws-a");
    awaitOnQueue(0);
  }

  @Test
  void anUnreadableCommandIsParkedInTheDeadLetterQueueAndHoldsBackOnlyItsOwnWorkspace()
      throws Exception {
    send(id("ws-a"), "{\"type\":\"CommandOfALaterRelease\",\"version\":1}");
    send(delete("ws-a"));
    send(id("ws-b"), "not json");
    send(create("ws-c"));

    pollUntilHandled("create ws-c 1", "delete ws-a");

    assertThat(handled).containsExactlyInAnyOrder("create ws-c 1", "delete ws-a");
    assertThat(handled.indexOf("create ws-c 1")).isZero();
    assertThat(sqs.receive(sqs.commandDeadLetterQueueUrl()))
        .extracting(Message::body)
        .containsExactlyInAnyOrder(
            "{\"type\":\"CommandOfALaterRelease\",\"version\":1}", "not json");
    awaitOnQueue(0);
  }

  @Test
  void aCommandOfALaterReleaseWithFieldsThisOneDoesNotKnowIsCarriedOut() throws Exception {
    var later = (ObjectNode) EventJson.newMapper().valueToTree(create("ws-a"));
    later.put("addedInALaterRelease", "ignored");
    ((ObjectNode) later.get("spec")).put("gpus", 1);
    send(id("ws-a"), later.toString());

    pollUntilHandled("create ws-a 1");

    awaitOnQueue(0);
    assertThat(sqs.receive(sqs.commandDeadLetterQueueUrl())).isEmpty();
  }

  @Test
  void aCommandForAnotherHostIsDropped() throws Exception {
    send(CreateWorkspace.of("c-1", "h2", id("ws-a"), "alice", SPEC));
    send(create("ws-b"));

    pollUntilHandled("create ws-b 1");

    assertThat(handled).containsExactly("create ws-b 1");
    awaitOnQueue(0);
  }

  @Test
  void aFailedCommandIsDeliveredAgainAndHoldsBackOnlyItsOwnWorkspacesLaterCommands()
      throws Exception {
    failing = c -> name(c).equals("ws-a");
    send(create("ws-a"));
    send(delete("ws-a"));
    send(create("ws-b"));

    pollUntilHandled("create ws-a 1", "create ws-b 1");
    assertThat(handled).doesNotContain("delete ws-a");
    awaitOnQueue(2);

    failing = c -> false;
    pollUntilHandled("create ws-a 2", "delete ws-a");

    assertThat(handled)
        .containsExactlyInAnyOrder(
            "create ws-a 1", "create ws-b 1", "create ws-a 2", "delete ws-a");
    assertThat(handled.indexOf("delete ws-a")).isGreaterThan(handled.indexOf("create ws-a 2"));
    awaitOnQueue(0);
  }

  @Test
  void aCommandThatFailsBeforeTheRestOfItsBatchIsTakenStillHoldsBackItsWorkspacesLaterOnes()
      throws Exception {
    runCommandsAsTheyAreTaken();
    failing = c -> name(c).equals("ws-a");
    send(create("ws-a"));
    send(delete("ws-a"));
    send(create("ws-b"));

    // One batch: ws-a's create fails before its delete, received with it, is handed over.
    assertThat(consumer.pollOnce()).isEqualTo(3);
    assertThat(handled).containsExactlyInAnyOrder("create ws-a 1", "create ws-b 1");
    awaitOnQueue(2);

    failing = c -> false;
    pollUntilHandled("create ws-a 2", "delete ws-a");

    assertThat(handled)
        .containsExactlyInAnyOrder(
            "create ws-a 1", "create ws-b 1", "create ws-a 2", "delete ws-a");
    assertThat(handled.indexOf("delete ws-a")).isGreaterThan(handled.indexOf("create ws-a 2"));
    awaitOnQueue(0);
  }

  @Test
  void aKeySyncWithANewerOneOrTheDeleteOfItsWorkspaceBehindItIsSkipped() throws Exception {
    holding = new CountDownLatch(1);
    held = c -> name(c).equals("ws-a") || name(c).equals("ws-b");
    send(create("ws-a"));
    send(sync("ws-a", 1));
    send(sync("ws-a", 2));
    send(create("ws-b"));
    send(sync("ws-b", 1));
    send(delete("ws-b"));
    send(create("ws-c"));
    send(sync("ws-c", 1));
    keepPolling();
    // ws-c's commands run; the rest are in hand while the creates of ws-a and ws-b block.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handled.contains("sync ws-c r1") && consumer.inHand() == 6);
    holding.countDown();

    awaitOnQueue(0);
    assertThat(handled)
        .containsExactlyInAnyOrder(
            "create ws-a 1",
            "sync ws-a r2",
            "create ws-b 1",
            "delete ws-b",
            "create ws-c 1",
            "sync ws-c r1");
    assertThat(handled.indexOf("sync ws-a r2")).isGreaterThan(handled.indexOf("create ws-a 1"));
  }

  @Test
  void retryLaterLeavesTheCreateForItsNextDeliveryWithTheHigherReceiveCount() throws Exception {
    failure = new RetryLater("engine restarting", new IllegalStateException());
    failing = c -> handled.size() < 2;
    send(create("ws-a"));

    pollUntilHandled("create ws-a 1");
    awaitOnQueue(1);

    pollUntilHandled("create ws-a 2");
    assertThat(handled).containsExactly("create ws-a 1", "create ws-a 2");
    awaitOnQueue(0);
  }

  @Test
  void aCommandRunningLongerThanItsVisibilityIsNotDeliveredAgainMeanwhile() throws Exception {
    holding = new CountDownLatch(1);
    send(create("ws-a"));
    keepPolling();
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("create ws-a 1"));

    // Two visibility timeouts pass while the create runs; the consumer keeps extending it.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(8))
        .until(
            () ->
                sqs.client()
                    .receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10))
                    .messages()
                    .isEmpty());

    holding.countDown();
    awaitOnQueue(0);
    assertThat(handled).containsExactly("create ws-a 1");
  }

  @Test
  void theWorkspacesInHandAreThoseReceivedUntilTheirLastCommandEndsWaitingForAThreadIncluded()
      throws Exception {
    consumer.close();
    config =
        sqs.config(
            Map.of(DaemonEnv.COMMAND_VISIBILITY_SECONDS, "2", DaemonEnv.COMMAND_CONCURRENCY, "2"));
    consumer = newConsumer();
    holding = new CountDownLatch(1);
    held = c -> c.workspaceId() != null;
    send(create("ws-a"));
    send(create("ws-b"));
    send(create("ws-c"));
    send(PrefetchImage.of("p-1", "h1", "10.250.0.1:5000/a4c-images:kernel_main_amd64_1"));
    keepPolling();

    // Two command threads, both taken by creates that block: the third waits for one, and is in
    // hand all the same; the prefetch, no workspace's, is not listed.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handled.size() == 2 && inHand.list(10).size() == 3);
    Thread.sleep(200); // nothing more is handed over
    assertThat(handled).as("two threads").hasSize(2);
    assertThat(inHand.list(10)).containsExactly(id("ws-a"), id("ws-b"), id("ws-c"));
    assertThat(inHand.list(1)).as("bounded").containsExactly(id("ws-a"));

    holding.countDown();
    awaitOnQueue(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> inHand.list(10).isEmpty());
    assertThat(handled).contains("create ws-a 1", "create ws-b 1", "create ws-c 1");
  }

  @Test
  void aCommandThatBlocksHoldsNeitherAnotherWorkspaceNorItsOwnWorkspacesOrder() throws Exception {
    holding = new CountDownLatch(1);
    held = c -> name(c).equals("ws-a");
    send(create("ws-a"));
    send(delete("ws-a"));
    keepPolling();
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("create ws-a 1"));

    // Sent while ws-a's create blocks: received and carried out all the same.
    send(create("ws-b"));
    send(delete("ws-b"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handled.containsAll(List.of("create ws-b 1", "delete ws-b")));
    assertThat(handled).doesNotContain("delete ws-a");
    assertThat(handled.indexOf("delete ws-b")).isGreaterThan(handled.indexOf("create ws-b 1"));
    awaitOnQueue(2);

    holding.countDown();
    awaitOnQueue(0);
    assertThat(handled)
        .containsExactly("create ws-a 1", "create ws-b 1", "delete ws-b", "delete ws-a");
  }
}
