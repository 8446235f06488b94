package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.events.EventJson;
import io.a4c.events.HostEvent;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A command's step reports: sent without waiting, a status still queued behind a newer one of its
 * workspace dropped, everything else sent by the time a flush returns.
 */
class StepReportsTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();

  private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

  private static WorkspaceStatus report(int workspace, WorkspaceStep step) {
    return WorkspaceStatus.of(
        "h1",
        "ws-%026d".formatted(workspace),
        "alice",
        step == WorkspaceStep.HOSTNAME_REGISTERED
            ? WorkspaceState.RUNNING
            : WorkspaceState.CREATING,
        step,
        "container-" + workspace,
        null,
        null,
        AT);
  }

  private StepReports reports(Map<String, String> overrides) {
    return new StepReports(
        new HostEventPublisher(sqs.client(), EventJson.newMapper(), sqs.config(overrides)), "ws");
  }

  /** Reports that wait far longer than a test for a newer one, on any machine. */
  private StepReports reportsWaitingLong() {
    return new StepReports(
        new HostEventPublisher(sqs.client(), EventJson.newMapper(), sqs.config(Map.of())),
        "ws",
        Duration.ofMinutes(10));
  }

  private List<HostEvent> received() throws Exception {
    List<HostEvent> events = new ArrayList<>();
    for (var message : sqs.receive(sqs.config(Map.of()).hostEventsQueueUrl())) {
      events.add(EventJson.newMapper().readValue(message.body(), HostEvent.class));
    }
    return events;
  }

  @Test
  void everyReportQueuedIsSentByTheTimeFlushReturns() throws Exception {
    var reports = reports(Map.of());
    List<HostEvent> sent = new ArrayList<>();
    // More than one batch, queued faster than they are sent; no two of one workspace.
    for (int i = 0; i < 2 * HostEventPublisher.MAX_BATCH + 3; i++) {
      sent.add(report(i, WorkspaceStep.ACCEPTED));
      reports.send(report(i, WorkspaceStep.ACCEPTED));
    }
    reports.flush();

    assertThat(received()).containsExactlyInAnyOrderElementsOf(sent);

    reports.send(report(99, WorkspaceStep.ACCEPTED));
    reports.flush();
    assertThat(received()).containsExactly(report(99, WorkspaceStep.ACCEPTED));
  }

  @Test
  void aStatusStillQueuedBehindANewerOneOfItsWorkspaceIsNotSent() throws Exception {
    var reports = reports(Map.of());
    var keys = SshKeysApplied.of("h1", "ws-%026d".formatted(1), "alice", 3, AT);
    synchronized (reports) { // the sender cannot take the queue until all four are in it
      reports.send(report(1, WorkspaceStep.STARTED));
      reports.send(keys);
      reports.send(report(2, WorkspaceStep.IP_ASSIGNED));
      reports.send(report(1, WorkspaceStep.HOSTNAME_REGISTERED));
    }
    reports.flush();

    assertThat(received())
        .containsExactlyInAnyOrder(
            keys,
            report(2, WorkspaceStep.IP_ASSIGNED),
            report(1, WorkspaceStep.HOSTNAME_REGISTERED));
  }

  @Test
  void stepsRunningFollowsWithinTheWindowAreNeverSent() throws Exception {
    var reports = reportsWaitingLong();
    var keys = SshKeysApplied.of("h1", "ws-%026d".formatted(1), "alice", 3, AT);

    reports.send(report(1, WorkspaceStep.STARTED));
    Thread.sleep(200); // long enough for a sender without a window to have sent it
    reports.send(report(1, WorkspaceStep.IP_ASSIGNED));
    reports.sendAtOnce(List.of(report(1, WorkspaceStep.HOSTNAME_REGISTERED), keys));
    reports.flush();

    assertThat(received())
        .as("RUNNING and its keys; the steps it superseded while they waited, not")
        .containsExactlyInAnyOrder(report(1, WorkspaceStep.HOSTNAME_REGISTERED), keys);
  }

  @Test
  @Timeout(60)
  void aFlushSendsWhatIsQueuedWithoutWaitingOutTheWindow() throws Exception {
    var reports = reportsWaitingLong();

    reports.send(report(1, WorkspaceStep.ACCEPTED));
    reports.send(report(2, WorkspaceStep.CONTAINER_CREATED));
    reports.flush(); // a failed create's flush before its FAILED report: at once

    assertThat(received())
        .containsExactlyInAnyOrder(
            report(1, WorkspaceStep.ACCEPTED), report(2, WorkspaceStep.CONTAINER_CREATED));
  }

  @Test
  void aReportTheQueueDidNotTakeFailsTheNextFlushOnce() throws Exception {
    String gone = sqs.createQueue("gone");
    sqs.client().deleteQueue(b -> b.queueUrl(gone));
    var reports = reports(Map.of(DaemonEnv.HOST_EVENTS_QUEUE_URL, gone));

    reports.send(report(1, WorkspaceStep.ACCEPTED));
    reports.send(report(2, WorkspaceStep.ACCEPTED));

    assertThatThrownBy(reports::flush).isInstanceOf(SdkException.class);
    reports.flush(); // reported once: the caller has failed its command by then
  }

  @Test
  void theLastReportsGoOutBesideABatchStillOnItsWayAndDropTheStepsTheySupersede() throws Exception {
    // A send that takes its time (a slow SQS, which nothing local can be made to be): the first
    // batch waits until the test lets it go; everything else goes to the real queue at once.
    var firstEntered = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var calls = new AtomicInteger();
    SqsClient slow =
        (SqsClient)
            Proxy.newProxyInstance(
                SqsClient.class.getClassLoader(),
                new Class<?>[] {SqsClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("sendMessageBatch") && calls.getAndIncrement() == 0) {
                    firstEntered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                  }
                  try {
                    return method.invoke(sqs.client(), args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    var reports =
        new StepReports(
            new HostEventPublisher(slow, EventJson.newMapper(), sqs.config(Map.of())), "ws");
    var keys = SshKeysApplied.of("h1", "ws-%026d".formatted(1), "alice", 3, AT);

    reports.send(report(1, WorkspaceStep.STARTED));
    assertThat(firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
    reports.send(report(1, WorkspaceStep.IP_ASSIGNED)); // queued behind the batch on its way
    reports.sendAtOnce(List.of(report(1, WorkspaceStep.HOSTNAME_REGISTERED), keys));

    List<HostEvent> arrived = new ArrayList<>();
    for (int i = 0; i < 100 && arrived.size() < 2; i++) {
      arrived.addAll(received());
      Thread.sleep(50);
    }
    assertThat(arrived)
        .as("RUNNING and the keys while the first batch is still held")
        .containsExactlyInAnyOrder(report(1, WorkspaceStep.HOSTNAME_REGISTERED), keys);

    release.countDown();
    reports.flush();
    assertThat(received())
        .as("the held batch; the step RUNNING superseded was never sent")
        .containsExactly(report(1, WorkspaceStep.STARTED));
  }
}
