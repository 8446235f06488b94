package io.a4c.functions.hostevents;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildLogUpdate;
import io.a4c.events.BuilderStatus;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostEvent;
import io.a4c.events.HostInventory;
import io.a4c.events.PoolMemberStatus;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.WorkspaceStatus;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.builds.BuildReports;
import io.a4c.functions.hostauth.HostEventSenders;
import io.a4c.functions.hosts.HostService;
import io.a4c.functions.workspaces.WarmPools;
import io.a4c.functions.workspaces.WorkspaceReconciler;
import io.a4c.functions.workspaces.WorkspaceReports;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies host events from the host-events queue. Each record is handled on its own; a failed one
 * is reported by message id so SQS redelivers only it. Fields this release does not know (a daemon
 * upgraded first) are ignored; a record it cannot read at all (an event type or version of a later
 * release) is reported failed too, so after its last receive SQS parks it in the host-events
 * dead-letter queue (alarmed) for a redrive once the functions are upgraded, rather than dropping
 * it. Idempotent: every write is conditional.
 *
 * <p>Hosts act only for themselves: before anything is applied, {@link HostEventSenders} checks the
 * message was sent by the host the event names. One that was not is dropped, logged and audited
 * ({@code host-event.rejected}); what it names is further checked by the services (a status report
 * is applied only to a workspace placed on its host, a pool member's report only to a member placed
 * there).
 */
@Singleton
public final class HostEventsConsumer {
  private static final Logger log = LoggerFactory.getLogger(HostEventsConsumer.class);

  private final ObjectReader events;
  private final HostService hosts;
  private final WorkspaceReports workspaces;
  private final WorkspaceReconciler reconciler;
  private final HostEventSenders senders;
  private final AuditLog audit;
  private final BuildReports builds;
  private final WarmPools pools;

  @Inject
  public HostEventsConsumer(
      ObjectMapper json,
      HostService hosts,
      WorkspaceReports workspaces,
      WorkspaceReconciler reconciler,
      HostEventSenders senders,
      AuditLog audit,
      BuildReports builds,
      WarmPools pools) {
    this.pools = pools;
    this.events = EventJson.messageReader(json, HostEvent.class);
    this.senders = senders;
    this.audit = audit;
    this.hosts = hosts;
    this.workspaces = workspaces;
    this.reconciler = reconciler;
    this.builds = builds;
  }

  /** Handles a batch; the response names the records to retry. */
  public SQSBatchResponse handle(SQSEvent event) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      HostEvent hostEvent;
      try {
        hostEvent = events.readValue(message.getBody());
      } catch (IOException | IllegalArgumentException e) {
        log.atError()
            .addKeyValue("messageId", message.getMessageId())
            .setCause(e)
            .log("unreadable host event left for the dead-letter queue");
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
        continue;
      }
      var refusal = senders.refusal(message, hostEvent.hostId());
      if (refusal.isPresent()) {
        reject(message, hostEvent, refusal.get());
        continue;
      }
      try {
        switch (hostEvent) {
          case Heartbeat beat -> hosts.recordHeartbeat(beat);
          case WorkspaceStatus status -> workspaces.apply(status);
          case HostInventory inventory -> reconciler.reconcile(inventory);
          case BuildEnded ended -> builds.apply(ended);
          case BuildLogUpdate update -> builds.record(update);
          case BuilderStatus builder -> builds.record(builder);
          case SshKeysApplied applied -> workspaces.apply(applied);
          case PoolMemberStatus member -> pools.apply(member);
        }
      } catch (Exception e) {
        log.atWarn()
            .addKeyValue("messageId", message.getMessageId())
            .addKeyValue("hostId", hostEvent.hostId())
            .setCause(e)
            .log("host event failed; it will be retried");
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /** An event that claims another host's identity: never applied, never retried, always audited. */
  private void reject(SQSEvent.SQSMessage message, HostEvent event, String why) {
    log.atWarn()
        .addKeyValue("messageId", message.getMessageId())
        .addKeyValue("claimedHostId", event.hostId())
        .addKeyValue("eventType", event.getClass().getSimpleName())
        .addKeyValue("why", why)
        .log("host event from a sender that is not its host; dropped");
    String sender =
        message.getAttributes() == null
            ? null
            : message.getAttributes().get(HostEventSenders.SENDER_ID);
    audit.record(
        new Origin(
            sender == null ? "unverified-sender" : "sender:" + sender,
            false,
            message.getMessageId(),
            null),
        "host-event.rejected",
        event instanceof WorkspaceStatus status ? status.userId() : null,
        "host:" + event.hostId(),
        event instanceof WorkspaceStatus status
            ? Map.of(
                "eventType", "WorkspaceStatus", "workspaceId", status.workspaceId(), "why", why)
            : Map.of("eventType", event.getClass().getSimpleName(), "why", why));
  }
}
