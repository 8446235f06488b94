package io.a4c.functions.testing;

import io.a4c.events.HostQueues;
import io.a4c.local.embedded.FreePorts;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS for service tests: one ElasticMQ in this process for the whole run, and before each test a
 * host-queue prefix of that test's own, so tests never see each other's messages. No Docker.
 *
 * <pre>{@code
 * @RegisterExtension static final MessageQueues sqs = new MessageQueues();
 * ... sqs.createHostQueue("h1"); ... sqs.receiveFromHost("h1")
 * }</pre>
 */
public final class MessageQueues implements BeforeEachCallback {
  private static final AtomicInteger TEST = new AtomicInteger();
  private static SQSRestServer server;
  private static SqsClient client;
  private static URI endpoint;

  private String prefix;

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
    prefix = "t" + TEST.incrementAndGet() + "-a4c-host-";
  }

  private static synchronized void start() {
    if (server != null) {
      return;
    }
    int port = FreePorts.pick();
    server =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withPort(port)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
            .start();
    server.waitUntilStarted();
    endpoint = URI.create("http://127.0.0.1:" + port);
    client =
        SqsClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.close();
                  server.stopAndWait();
                }));
  }

  /** The queues' endpoint, for a graph that makes its own clients ({@code A4C_SQS_ENDPOINT}). */
  public URI endpoint() {
    return endpoint;
  }

  /** A client of the queues. */
  public SqsClient client() {
    return client;
  }

  /** The host command queue prefix of the current test ({@code A4C_HOST_QUEUE_PREFIX}). */
  public String hostQueuePrefix() {
    return prefix;
  }

  /** Creates the command queue of {@code hostId} (FIFO, as in AWS). */
  public void createHostQueue(String hostId) {
    client.createQueue(
        b ->
            b.queueName(HostQueues.commandQueueName(prefix, hostId))
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));
  }

  /** Creates a standard queue of this test named {@code <prefix><name>}; its URL. */
  public String createQueue(String name) {
    return client.createQueue(b -> b.queueName(prefix + name)).queueUrl();
  }

  /** Takes every message now on {@code hostId}'s command queue, oldest first. */
  public List<String> receiveFromHost(String hostId) {
    return receive(
        client
            .getQueueUrl(b -> b.queueName(HostQueues.commandQueueName(prefix, hostId)))
            .queueUrl());
  }

  /** Takes every message now on the queue at {@code url}. */
  public List<String> receive(String url) {
    List<String> bodies = new ArrayList<>();
    while (true) {
      var messages = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();
      if (messages.isEmpty()) {
        return bodies;
      }
      for (var message : messages) {
        bodies.add(message.body());
        client.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    }
  }
}
