package io.a4c.local.testing;

import io.a4c.daemon.builds.BuildWorker;
import io.a4c.events.Arch;
import io.a4c.local.LocalRuntime;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The test's own hands on the build queues (one per arch) and the builders: pause them, take a job
 * off a queue, put copies back, count what they did.
 */
public final class BuildQueueProbe implements AutoCloseable {
  private final LocalRuntime runtime;
  private final SqsClient sqs;

  public BuildQueueProbe(LocalRuntime runtime) {
    this.runtime = runtime;
    this.sqs = runtime.newSqsClient();
  }

  public List<BuildWorker> builders() {
    return runtime.builders();
  }

  /** The builder of a host. */
  public BuildWorker builderOf(String hostId) {
    var builder = runtime.builder(hostId);
    if (builder == null) {
      throw new IllegalArgumentException("no builder runs on " + hostId);
    }
    return builder;
  }

  public void pauseAll() throws InterruptedException {
    for (BuildWorker builder : builders()) {
      builder.pause();
    }
  }

  public void resumeAll() {
    builders().forEach(BuildWorker::resume);
  }

  /**
   * Receives one job from the amd64 queue, where the builds of {@link Scenario} go (the API's
   * default arch).
   */
  public Message receive(int visibilitySeconds) {
    return receive(Arch.AMD64, visibilitySeconds);
  }

  /**
   * Receives one job from {@code arch}'s build queue (hidden for {@code visibilitySeconds}), with
   * its receive count, waiting up to a few seconds for it.
   */
  public Message receive(Arch arch, int visibilitySeconds) {
    for (int i = 0; i < 5; i++) {
      var messages =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(runtime.buildQueueUrl(arch))
                          .maxNumberOfMessages(1)
                          .waitTimeSeconds(2)
                          .visibilityTimeout(visibilitySeconds)
                          .messageSystemAttributeNames(
                              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
              .messages();
      if (!messages.isEmpty()) {
        return messages.getFirst();
      }
    }
    return null;
  }

  /**
   * Receives the job of build {@code scheduleId} from {@code arch}'s queue (hidden for {@code
   * visibilitySeconds}), or null. Another build's job received on the way (one an earlier test
   * left) is hidden for a minute, out of this test's way, and left for its builders.
   */
  public Message receiveJobOf(Arch arch, String scheduleId, int visibilitySeconds) {
    for (int i = 0; i < 20; i++) {
      Message message = receive(arch, visibilitySeconds);
      if (message == null || message.body().contains("\"" + scheduleId + "\"")) {
        return message;
      }
      sqs.changeMessageVisibility(
          b ->
              b.queueUrl(runtime.buildQueueUrl(arch))
                  .receiptHandle(message.receiptHandle())
                  .visibilityTimeout(60));
    }
    return null;
  }

  /** Deletes a job received from the amd64 queue. */
  public void delete(Message message) {
    delete(Arch.AMD64, message);
  }

  public void delete(Arch arch, Message message) {
    sqs.deleteMessage(
        b -> b.queueUrl(runtime.buildQueueUrl(arch)).receiptHandle(message.receiptHandle()));
  }

  /** Puts a job on the amd64 queue. */
  public void send(String body) {
    send(Arch.AMD64, body);
  }

  public void send(Arch arch, String body) {
    sqs.sendMessage(b -> b.queueUrl(runtime.buildQueueUrl(arch)).messageBody(body));
  }

  /** Empties {@code arch}'s build queue. */
  public void purge(Arch arch) {
    sqs.purgeQueue(b -> b.queueUrl(runtime.buildQueueUrl(arch)));
  }

  /** How many messages {@code arch}'s dead-letter queue holds, visible or being received. */
  public int deadLettered(Arch arch) {
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(runtime.buildDeadLetterQueueUrl(arch))
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  /**
   * Empties {@code arch}'s dead-letter queue: its consumer receives what it cannot read again as
   * soon as it shows, so such a message cannot be taken out one by one.
   */
  public void purgeDeadLetterQueue(Arch arch) {
    sqs.purgeQueue(b -> b.queueUrl(runtime.buildDeadLetterQueueUrl(arch)));
  }

  /** Parks a job in {@code arch}'s dead-letter queue, as SQS does after the last receive. */
  public void sendToDeadLetterQueue(Arch arch, String body) {
    sqs.sendMessage(b -> b.queueUrl(runtime.buildDeadLetterQueueUrl(arch)).messageBody(body));
  }

  /** Sends a raw host event as host {@code hostId}'s daemon would: signed with its key. */
  public void sendHostEvent(String hostId, String body) {
    String url = sqs.getQueueUrl(b -> b.queueName("a4c-host-events")).queueUrl();
    String signature = io.a4c.events.HostEventSignatures.sign(runtime.hostEventKey(hostId), body);
    sqs.sendMessage(
        b ->
            b.queueUrl(url)
                .messageBody(body)
                .messageAttributes(
                    java.util.Map.of(
                        io.a4c.events.HostEventSignatures.ATTRIBUTE,
                        software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(signature)
                            .build())));
  }

  /** Whether the host-events queue has nothing waiting or in flight. */
  public boolean hostEventsDrained() {
    String url = sqs.getQueueUrl(b -> b.queueName("a4c-host-events")).queueUrl();
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNamesWithStrings(
                            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
            .attributesAsStrings();
    return "0".equals(attributes.get("ApproximateNumberOfMessages"))
        && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
  }

  public int buildsRun() {
    return builders().stream().mapToInt(BuildWorker::buildsRun).sum();
  }

  public int claimsRefused() {
    return builders().stream().mapToInt(BuildWorker::claimsRefused).sum();
  }

  @Override
  public void close() {
    resumeAll();
    sqs.close();
  }
}
