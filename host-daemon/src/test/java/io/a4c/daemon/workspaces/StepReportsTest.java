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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;

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
  void aReportTheQueueDidNotTakeFailsTheNextFlushOnce() throws Exception {
    String gone = sqs.createQueue("gone");
    sqs.client().deleteQueue(b -> b.queueUrl(gone));
    var reports = reports(Map.of(DaemonEnv.HOST_EVENTS_QUEUE_URL, gone));

    reports.send(report(1, WorkspaceStep.ACCEPTED));
    reports.send(report(2, WorkspaceStep.ACCEPTED));

    assertThatThrownBy(reports::flush).isInstanceOf(SdkException.class);
    reports.flush(); // reported once: the caller has failed its command by then
  }
}
