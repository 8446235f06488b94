package io.a4c.daemon.builds;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.Arch;
import java.time.Duration;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The build queue of this builder's arch, as a builder uses it: receive jobs with their receive
 * count (the claim's attempt), keep a job hidden while building it, delete it when done, hand it
 * back when a build could not run here. Each arch has its own queue, so a builder never receives a
 * job it cannot build. {@link #open} picks the queue once the engine has told the arch, before the
 * first receive. Thread-safe.
 */
@Singleton
public final class BuildQueue {
  private final SqsClient sqs;
  private final DaemonConfig.Builder settings;
  private final Duration visibility;
  private final Duration pollWait;
  private volatile String url;

  @Inject
  public BuildQueue(SqsClient sqs, DaemonConfig config) {
    this.sqs = sqs;
    this.settings = config.builder();
    this.visibility = config.builder().visibility();
    this.pollWait = config.pollWait();
  }

  /**
   * Uses the build queue of {@code arch} from now on.
   *
   * @throws IllegalStateException naming the variable, when no queue of that arch is configured
   */
  public void open(Arch arch) {
    url = settings.queueUrl(arch);
  }

  /** Long-polls for up to {@code max} jobs, each hidden for the visibility timeout. */
  public List<Message> receive(int max) {
    return sqs.receiveMessage(
            b ->
                b.queueUrl(url)
                    .maxNumberOfMessages(Math.min(max, 10))
                    .waitTimeSeconds((int) pollWait.toSeconds())
                    .visibilityTimeout((int) visibility.toSeconds())
                    .messageSystemAttributeNames(
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
        .messages();
  }

  /** The delivery's receive count: 1 on first delivery, more when it came back. */
  public static int receiveCount(Message message) {
    String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    return count == null ? 1 : Math.max(1, Integer.parseInt(count));
  }

  /** The job is done (built, failed for good, or someone else's): it will not come back. */
  public void delete(Message message) {
    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
  }

  /** Keeps the job hidden for another visibility timeout: the builder's heartbeat. */
  public void extend(Message message) {
    sqs.changeMessageVisibility(
        b ->
            b.queueUrl(url)
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout((int) visibility.toSeconds()));
  }

  /** Hands the job back: visible again after {@code delay}. */
  public void release(Message message, Duration delay) {
    sqs.changeMessageVisibility(
        b ->
            b.queueUrl(url)
                .receiptHandle(message.receiptHandle())
                .visibilityTimeout((int) delay.toSeconds()));
  }

  /** How long a receive waits for jobs. */
  public Duration pollWait() {
    return pollWait;
  }

  /** How long a received job stays hidden; {@link #extend} renews it while the build runs. */
  public Duration visibility() {
    return visibility;
  }
}
