package io.a4c.daemon.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;

/** The daemon's events on the host-events queue, as the consumer reads them: body and signature. */
class HostEventPublisherTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  private static final Heartbeat BEAT =
      Heartbeat.of(
          "h1",
          Arch.AMD64,
          1_000,
          10_000,
          List.of("10.250.0.1:5000/a4c-images:base"),
          20,
          3,
          Instant.parse("2026-12-02T10:00:00Z"));

  @Test
  void anEventIsSentAsTheJsonTheConsumerReadsBackAndUnsignedWithoutAKey() throws Exception {
    var config = sqs.config(Map.of());
    new HostEventPublisher(sqs.client(), EventJson.newMapper(), config).publish(BEAT);

    var messages = sqs.receive(config.hostEventsQueueUrl());

    assertThat(messages).hasSize(1);
    assertThat(EventJson.newMapper().readValue(messages.getFirst().body(), HostEvent.class))
        .isEqualTo(BEAT);
    assertThat(messages.getFirst().messageAttributes())
        .doesNotContainKey(HostEventSignatures.ATTRIBUTE);
  }

  @Test
  void withAKeyEachEventCarriesTheSignatureOfItsBody() {
    var config = sqs.config(Map.of(DaemonEnv.EVENT_KEY, Base64.getEncoder().encodeToString(KEY)));
    new HostEventPublisher(sqs.client(), EventJson.newMapper(), config).publish(BEAT);

    var message = sqs.receive(config.hostEventsQueueUrl()).getFirst();

    String signature = message.messageAttributes().get(HostEventSignatures.ATTRIBUTE).stringValue();
    assertThat(HostEventSignatures.verify(KEY, message.body(), signature)).isTrue();
    assertThat(HostEventSignatures.verify(KEY, message.body() + " ", signature)).isFalse();
  }

  @Test
  void aBatchIsSentWholeEachEventSigned() throws Exception {
    var config = sqs.config(Map.of(DaemonEnv.EVENT_KEY, Base64.getEncoder().encodeToString(KEY)));
    List<HostEvent> batch = new ArrayList<>();
    for (int i = 0; i < HostEventPublisher.MAX_BATCH; i++) {
      batch.add(beat(i));
    }
    new HostEventPublisher(sqs.client(), EventJson.newMapper(), config).publishAll(batch);

    var messages = sqs.receive(config.hostEventsQueueUrl());

    List<HostEvent> read = new ArrayList<>();
    for (var message : messages) {
      read.add(EventJson.newMapper().readValue(message.body(), HostEvent.class));
      String signature =
          message.messageAttributes().get(HostEventSignatures.ATTRIBUTE).stringValue();
      assertThat(HostEventSignatures.verify(KEY, message.body(), signature)).isTrue();
    }
    assertThat(read).containsExactlyInAnyOrderElementsOf(batch);
  }

  @Test
  void aBatchTheQueueDoesNotTakeThrows() {
    String gone = sqs.createQueue("gone");
    sqs.client().deleteQueue(b -> b.queueUrl(gone));
    var config = sqs.config(Map.of(DaemonEnv.HOST_EVENTS_QUEUE_URL, gone));
    var publisher = new HostEventPublisher(sqs.client(), EventJson.newMapper(), config);

    assertThatThrownBy(() -> publisher.publishAll(List.of(BEAT))).isInstanceOf(SdkException.class);
  }

  /** A heartbeat told apart by its disk figure. */
  static Heartbeat beat(int n) {
    return Heartbeat.of(
        "h1",
        Arch.AMD64,
        1_000 + n,
        10_000,
        List.of(),
        20,
        3,
        Instant.parse("2026-12-02T10:00:00Z").plusSeconds(n));
  }

  @Test
  void anEventTheQueueDoesNotTakeThrowsSoTheCallersWorkIsRetried() {
    String gone = sqs.createQueue("gone");
    sqs.client().deleteQueue(b -> b.queueUrl(gone));
    var config = sqs.config(Map.of(DaemonEnv.HOST_EVENTS_QUEUE_URL, gone));
    var publisher = new HostEventPublisher(sqs.client(), EventJson.newMapper(), config);

    assertThatThrownBy(() -> publisher.publish(BEAT)).isInstanceOf(SdkException.class);
  }
}
