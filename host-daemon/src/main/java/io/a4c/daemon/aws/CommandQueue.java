package io.a4c.daemon.aws;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.HostQueues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * This host's own FIFO command queue. The daemon creates it if missing (CreateQueue is idempotent
 * for the same attributes); in AWS its IAM role allows exactly this queue. Thread-safe.
 *
 * <p>The queue hands a command to the shared command dead-letter queue ({@link
 * HostQueues#commandDeadLetterQueueName}, which must exist: the stack makes it) after {@link
 * #MAX_RECEIVES} receives, so a command this daemon cannot read (a later release's) or that keeps
 * failing is parked for an operator (an alarm fires) rather than dropped or retried forever.
 */
@Singleton
public final class CommandQueue {
  /**
   * Receives before SQS parks a command in the dead-letter queue. Above the provisioner's own
   * delivery limit (five), which ends a create that keeps failing with a FAILED report first.
   */
  public static final int MAX_RECEIVES = 10;

  private final SqsClient sqs;
  private final String name;
  private final String deadLetterName;
  private final Duration pollWait;
  private final Duration visibility;
  private volatile String url;

  @Inject
  public CommandQueue(SqsClient sqs, DaemonConfig config) {
    this.sqs = sqs;
    this.name = HostQueues.commandQueueName(config.hostQueuePrefix(), config.hostId());
    this.deadLetterName = HostQueues.commandDeadLetterQueueName(config.hostQueuePrefix());
    this.pollWait = config.pollWait();
    this.visibility = config.commandVisibility();
  }

  /**
   * How long a received command stays hidden before SQS offers it again; extended while working.
   */
  public Duration visibility() {
    return visibility;
  }

  /**
   * Creates the queue if it does not exist, points it at the command dead-letter queue, and returns
   * its URL. A queue kept from an earlier run with other attributes (SQS refuses to create it
   * again) takes this run's.
   */
  public String ensureExists() {
    var attributes =
        Map.of(
            QueueAttributeName.FIFO_QUEUE,
            "true",
            QueueAttributeName.VISIBILITY_TIMEOUT,
            Long.toString(visibility.toSeconds()));
    try {
      url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    } catch (QueueNameExistsException e) {
      url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }
    String ownArn =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    // Same account and region as this queue: its ARN with the dead-letter queue's name.
    String deadLetterArn = ownArn.substring(0, ownArn.lastIndexOf(':') + 1) + deadLetterName;
    String redrive =
        "{\"deadLetterTargetArn\":\""
            + deadLetterArn
            + "\",\"maxReceiveCount\":\""
            + MAX_RECEIVES
            + "\"}";
    sqs.setQueueAttributes(
        b ->
            b.queueUrl(url)
                .attributes(
                    Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT,
                        attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT),
                        QueueAttributeName.REDRIVE_POLICY,
                        redrive)));
    return url;
  }

  /** Long-polls for up to {@code max} (at most ten) commands, with their message group ids. */
  public List<Message> receive(int max) {
    return sqs.receiveMessage(
            b ->
                b.queueUrl(url)
                    .maxNumberOfMessages(Math.min(max, 10))
                    .waitTimeSeconds((int) pollWait.toSeconds())
                    .visibilityTimeout((int) visibility.toSeconds())
                    .messageSystemAttributeNames(
                        MessageSystemAttributeName.MESSAGE_GROUP_ID,
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
        .messages();
  }

  /** Acknowledges a command: it will not be delivered again. */
  public void delete(Message message) {
    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
  }

  /**
   * Hands a command straight back (visibility zero) without acknowledging it: each receive counts
   * towards {@link #MAX_RECEIVES}, so one this daemon cannot read reaches the dead-letter queue
   * within moments instead of holding its workspace's later commands for many visibility timeouts.
   */
  public void release(Message message) {
    sqs.changeMessageVisibility(
        b -> b.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
  }

  /** Hides a received command for {@code duration} from now. */
  public void hide(Message message, Duration duration) {
    sqs.changeMessageVisibility(
        b ->
            b.queueUrl(url)
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout((int) duration.toSeconds()));
  }

  /** Keeps a command hidden for another {@link #visibility()} while it is being worked on. */
  public void extend(Message message) {
    hide(message, visibility);
  }
}
