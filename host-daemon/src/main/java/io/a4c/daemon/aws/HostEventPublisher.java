package io.a4c.daemon.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

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

  /** The most events {@link #publishAll} sends in one call: SQS's limit of a batch. */
  public static final int MAX_BATCH = 10;

  @Inject
  public HostEventPublisher(SqsClient sqs, ObjectMapper json, DaemonConfig config) {
    this.sqs = sqs;
    this.json = json;
    this.queueUrl = config.hostEventsQueueUrl();
    this.key = config.eventKey();
  }

  /** Publishes an event; throws when SQS does not take it, so the caller's work is retried. */
  public void publish(HostEvent event) {
    String body = bodyOf(event);
    sqs.sendMessage(
        b -> {
          b.queueUrl(queueUrl).messageBody(body);
          signatureOf(body).ifPresent(b::messageAttributes);
        });
  }

  /**
   * Publishes up to {@link #MAX_BATCH} events in one call (one round trip; SQS keeps no order among
   * them); throws when SQS does not take them all (some may have been taken: the consumer applies a
   * report twice harmlessly).
   */
  public void publishAll(List<HostEvent> batch) {
    if (batch.size() > MAX_BATCH) {
      throw new IllegalArgumentException("at most " + MAX_BATCH + " events in one batch");
    }
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      String body = bodyOf(batch.get(i));
      var entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(body);
      signatureOf(body).ifPresent(entry::messageAttributes);
      entries.add(entry.build());
    }
    var failed = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed();
    if (!failed.isEmpty()) {
      throw SqsException.builder()
          .message(
              failed.size()
                  + " of "
                  + batch.size()
                  + " events not taken: "
                  + failed.getFirst().code()
                  + " "
                  + failed.getFirst().message())
          .build();
    }
  }

  private String bodyOf(HostEvent event) {
    try {
      return json.writerFor(HostEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event could not be serialised", e);
    }
  }

  /** The message attribute that signs {@code body}, when a key is configured. */
  private Optional<Map<String, MessageAttributeValue>> signatureOf(String body) {
    return key.map(
        k ->
            Map.of(
                HostEventSignatures.ATTRIBUTE,
                MessageAttributeValue.builder()
                    .dataType("String")
                    .stringValue(HostEventSignatures.sign(k, body))
                    .build()));
  }
}
