package io.a4c.daemon.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.testing.MessageQueues;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The host's command queue against ElasticMQ: creation, receive attributes, redelivery. */
class CommandQueueTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();

  private CommandQueue queue(int visibilitySeconds) {
    return new CommandQueue(
        sqs.client(),
        sqs.config(
            Map.of(DaemonEnv.COMMAND_VISIBILITY_SECONDS, Integer.toString(visibilitySeconds))));
  }

  private Map<QueueAttributeName, String> attributes(String url) {
    return sqs.client()
        .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
        .attributes();
  }

  private void send(String url, String group, String body) {
    sqs.client()
        .sendMessage(
            b ->
                b.queueUrl(url)
                    .messageGroupId(group)
                    .messageDeduplicationId(group + body)
                    .messageBody(body));
  }

  @Test
  void ensureExistsCreatesThisHostsFifoQueueWithTheConfiguredVisibility() {
    String url = queue(30).ensureExists();

    assertThat(url).isEqualTo(sqs.hostQueueUrl("h1")).endsWith("h1.fifo");
    assertThat(attributes(url))
        .containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
        .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "30");
  }

  @Test
  void ensureExistsPointsTheQueueAtTheCommandDeadLetterQueue() {
    String url = queue(30).ensureExists();

    assertThat(attributes(url).get(QueueAttributeName.REDRIVE_POLICY))
        .contains("dead_letters.fifo")
        .containsPattern("\"maxReceiveCount\":\"?" + CommandQueue.MAX_RECEIVES + "\"?}");
    assertThat(sqs.commandDeadLetterQueueUrl()).endsWith("host-dead_letters.fifo");
  }

  @Test
  void aQueueKeptFromARunWithAnotherVisibilityTakesThisRunsVisibility() {
    String first = queue(30).ensureExists();

    String second = queue(90).ensureExists();

    assertThat(second).isEqualTo(first);
    assertThat(attributes(second)).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "90");
  }

  @Test
  void eachReceivedCommandCarriesItsWorkspacesGroupAndItsReceiveCount() {
    var queue = queue(30);
    String url = queue.ensureExists();
    send(url, "ws-a", "one");
    send(url, "ws-b", "two");

    var messages = queue.receive(10);

    assertThat(messages)
        .extracting(
            Message::body, m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("one", "ws-a"),
            org.assertj.core.groups.Tuple.tuple("two", "ws-b"));
    assertThat(messages)
        .allSatisfy(
            m ->
                assertThat(m.attributes())
                    .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
  }

  @Test
  void aCommandNotDeletedComesBackAfterItsVisibilityWithTheNextReceiveCount() {
    var queue = queue(2);
    String url = queue.ensureExists();
    send(url, "ws-a", "create");
    assertThat(queue.receive(10)).hasSize(1);

    var again =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> queue.receive(10), messages -> !messages.isEmpty());

    assertThat(again.getFirst().body()).isEqualTo("create");
    assertThat(again.getFirst().attributes())
        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
  }

  @Test
  void aDeletedCommandIsGoneFromTheQueue() {
    var queue = queue(30);
    String url = queue.ensureExists();
    send(url, "ws-a", "create");
    var message = queue.receive(10).getFirst();

    queue.delete(message);

    assertThat(attributes(url))
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
  }
}
