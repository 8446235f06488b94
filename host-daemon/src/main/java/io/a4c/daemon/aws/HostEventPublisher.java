package io.a4c.daemon.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.HostEvent;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends this host's events to the shared host-events queue. Thread-safe. */
@Singleton
public final class HostEventPublisher {
  private final SqsClient sqs;
  private final ObjectMapper json;
  private final String queueUrl;

  @Inject
  public HostEventPublisher(SqsClient sqs, ObjectMapper json, DaemonConfig config) {
    this.sqs = sqs;
    this.json = json;
    this.queueUrl = config.hostEventsQueueUrl();
  }

  /** Publishes an event; throws when SQS does not take it, so the caller's work is retried. */
  public void publish(HostEvent event) {
    String body;
    try {
      body = json.writerFor(HostEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event could not be serialised", e);
    }
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
  }
}
