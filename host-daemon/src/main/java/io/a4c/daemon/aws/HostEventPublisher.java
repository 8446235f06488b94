package io.a4c.daemon.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends this host's events to the shared host-events queue. In AWS the queue stamps each message
 * with this daemon's role session (its SenderId), which names the host; where a key is configured
 * each message also carries an HMAC of its body ({@link HostEventSignatures}). Thread-safe.
 */
@Singleton
public final class HostEventPublisher {
  private final SqsClient sqs;
  private final ObjectMapper json;
  private final String queueUrl;
  private final Optional<byte[]> key;

  @Inject
  public HostEventPublisher(SqsClient sqs, ObjectMapper json, DaemonConfig config) {
    this.sqs = sqs;
    this.json = json;
    this.queueUrl = config.hostEventsQueueUrl();
    this.key = config.eventKey();
  }

  /** Publishes an event; throws when SQS does not take it, so the caller's work is retried. */
  public void publish(HostEvent event) {
    String body;
    try {
      body = json.writerFor(HostEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event could not be serialised", e);
    }
    sqs.sendMessage(
        b -> {
          b.queueUrl(queueUrl).messageBody(body);
          key.ifPresent(
              k ->
                  b.messageAttributes(
                      Map.of(
                          HostEventSignatures.ATTRIBUTE,
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue(HostEventSignatures.sign(k, body))
                              .build())));
        });
  }
}
