package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.local.testing.SharedRuntime;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local queues keep their messages in the data directory: what was queued, and what a consumer
 * had received without deleting, is there after a restart, with the queues' FIFO order, visibility
 * timeouts and redrive policies. (A kill -9 of the whole runtime: {@code RuntimeCrashTest}.)
 */
class DurableQueuesTest {
  @TempDir Path dataDir;

  /**
   * ElasticMQ's store is one per JVM, held by the first runtime that starts: the shared runtime of
   * the tests before this one would leave these queues in memory.
   */
  @BeforeAll
  static void holdTheJvmsQueueStore() {
    SharedRuntime.release();
  }

  private static SqsClient client(URI endpoint) {
    return SqsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .endpointOverride(endpoint)
        .build();
  }

  @Test
  void queuedAndReceivedMessagesSurviveARestartInOrder() throws Exception {
    String url;
    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      assertThat(sqs.durable()).isTrue();
      url =
          client
              .createQueue(
                  b ->
                      b.queueName("commands.fifo")
                          .attributes(
                              Map.of(
                                  QueueAttributeName.FIFO_QUEUE, "true",
                                  QueueAttributeName.VISIBILITY_TIMEOUT, "2")))
              .queueUrl();
      for (String body : List.of("create", "delete")) {
        client.sendMessage(
            b ->
                b.queueUrl(url)
                    .messageBody(body)
                    .messageGroupId("ws-1")
                    .messageDeduplicationId(body));
      }
      // Taken by a consumer that then dies: it must come back after the visibility timeout.
      var taken = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1)).messages();
      assertThat(taken).extracting(Message::body).containsExactly("create");
    }

    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      String again =
          client
              .createQueue(
                  b ->
                      b.queueName("commands.fifo")
                          .attributes(
                              Map.of(
                                  QueueAttributeName.FIFO_QUEUE, "true",
                                  QueueAttributeName.VISIBILITY_TIMEOUT, "2")))
              .queueUrl();
      assertThat(again).endsWith("/commands.fifo");
      String restartedUrl = again;

      List<String> bodies = new java.util.ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (Message m :
                    client
                        .receiveMessage(
                            b ->
                                b.queueUrl(restartedUrl)
                                    .maxNumberOfMessages(10)
                                    .waitTimeSeconds(1)
                                    .messageSystemAttributeNames(
                                        MessageSystemAttributeName.MESSAGE_GROUP_ID))
                        .messages()) {
                  assertThat(m.attributes())
                      .containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "ws-1");
                  bodies.add(m.body());
                  client.deleteMessage(
                      b -> b.queueUrl(restartedUrl).receiptHandle(m.receiptHandle()));
                }
                return bodies.size() >= 2;
              });
      assertThat(bodies).containsExactly("create", "delete");
    }
  }

  @Test
  void aQueueKeepsItsRedrivePolicyAcrossARestart() throws Exception {
    String dlqArn;
    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      String dlq = client.createQueue(b -> b.queueName("jobs-dlq")).queueUrl();
      dlqArn =
          client
              .getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"1\"}";
      String url =
          client
              .createQueue(
                  b ->
                      b.queueName("jobs")
                          .attributes(
                              Map.of(
                                  QueueAttributeName.VISIBILITY_TIMEOUT,
                                  "1",
                                  QueueAttributeName.REDRIVE_POLICY,
                                  redrive)))
              .queueUrl();
      client.sendMessage(b -> b.queueUrl(url).messageBody("job"));
      assertThat(client.receiveMessage(b -> b.queueUrl(url)).messages()).hasSize(1);
    }

    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      String url = client.getQueueUrl(b -> b.queueName("jobs")).queueUrl();
      String dlq = client.getQueueUrl(b -> b.queueName("jobs-dlq")).queueUrl();
      assertThat(
              client
                  .getQueueAttributes(
                      b -> b.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                  .attributes()
                  .get(QueueAttributeName.REDRIVE_POLICY))
          .contains(dlqArn);

      // Received once before the restart: its next receive moves it to the dead-letter queue.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                client.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1));
                return client
                        .receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1))
                        .messages()
                        .size()
                    == 1;
              });
    }
  }

  @Test
  void aStoredQueueAskedForWithOtherAttributesIsRefusedAsInSqs() throws Exception {
    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      client.createQueue(
          b -> b.queueName("q").attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2")));
    }
    try (var sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
        var client = client(sqs.endpoint())) {
      // What CommandQueue and LocalBuilds catch to apply a changed setting to a kept queue.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  client.createQueue(
                      b ->
                          b.queueName("q")
                              .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5"))))
          .isInstanceOf(software.amazon.awssdk.services.sqs.model.QueueNameExistsException.class);
    }
  }
}
