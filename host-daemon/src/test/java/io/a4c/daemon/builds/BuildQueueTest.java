package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.testing.MessageQueues;
import io.a4c.events.Arch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A builder's use of its arch's build queue against ElasticMQ. */
class BuildQueueTest {
  @RegisterExtension final MessageQueues sqs = new MessageQueues();

  private String amd64;
  private String arm64;

  /** A builder configuration with the queues of {@code arches} (created here). */
  private DaemonConfig builder(Arch... arches) {
    Map<String, String> env = new HashMap<>();
    env.put(DaemonEnv.BUILDER, "true");
    env.put(DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images");
    env.put(DaemonEnv.BUILD_CLAIM_FUNCTION, "a4c-test-BuildClaim");
    for (Arch arch : arches) {
      String url = sqs.createQueue("builds-" + arch.wireName());
      env.put(DaemonEnv.buildQueueUrl(arch), url);
      if (arch == Arch.AMD64) {
        amd64 = url;
      } else {
        arm64 = url;
      }
    }
    return sqs.config(env);
  }

  private void send(String url, String body) {
    sqs.client().sendMessage(b -> b.queueUrl(url).messageBody(body));
  }

  private Map<QueueAttributeName, String> attributes(String url) {
    return sqs.client()
        .getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
        .attributes();
  }

  @Test
  void aBuilderReceivesOnlyTheJobsOfItsEnginesArch() {
    var queue = new BuildQueue(sqs.client(), builder(Arch.AMD64, Arch.ARM64));
    send(amd64, "amd64 job");
    send(arm64, "arm64 job");

    queue.open(Arch.ARM64);

    assertThat(queue.receive(10)).extracting(Message::body).containsExactly("arm64 job");
    assertThat(attributes(amd64))
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "1");
  }

  @Test
  void openingAnArchWithoutAQueueNamesTheVariableToSet() {
    var queue = new BuildQueue(sqs.client(), builder(Arch.AMD64));

    assertThatThrownBy(() -> queue.open(Arch.ARM64))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(DaemonEnv.BUILD_QUEUE_URL_ARM64);
  }

  @Test
  void aReleasedJobComesBackWithTheNextReceiveCountTheClaimsAttempt() {
    var queue = new BuildQueue(sqs.client(), builder(Arch.AMD64));
    queue.open(Arch.AMD64);
    send(amd64, "job");
    var first = queue.receive(1).getFirst();
    assertThat(BuildQueue.receiveCount(first)).isEqualTo(1);

    queue.release(first, Duration.ZERO);

    var second = queue.receive(1).getFirst();
    assertThat(second.body()).isEqualTo("job");
    assertThat(BuildQueue.receiveCount(second)).isEqualTo(2);
  }

  @Test
  void aJobBeingBuiltStaysHiddenAndADeletedOneIsGone() {
    var queue = new BuildQueue(sqs.client(), builder(Arch.AMD64));
    queue.open(Arch.AMD64);
    send(amd64, "job");
    var job = queue.receive(1).getFirst();

    queue.extend(job);
    assertThat(attributes(amd64))
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "1");

    queue.delete(job);
    assertThat(attributes(amd64))
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
        .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
  }

  @Test
  void aMessageWithoutAReceiveCountCountsAsItsFirstDelivery() {
    assertThat(BuildQueue.receiveCount(Message.builder().body("job").build())).isEqualTo(1);
  }
}
