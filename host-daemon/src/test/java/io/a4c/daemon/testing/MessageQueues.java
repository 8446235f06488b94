package io.a4c.daemon.testing;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.events.HostQueues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
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
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SQS for the daemon's queue tests: one ElasticMQ in this process for the whole run, and before
 * each test a queue prefix of that test's own, so tests never see each other's messages. No Docker.
 * (The same approach as {@code functions/}' {@code MessageQueues}; this module does not depend on
 * that one.)
 *
 * <pre>{@code
 * @RegisterExtension final MessageQueues sqs = new MessageQueues();
 * ... new CommandQueue(sqs.client(), sqs.config(Map.of())) ...
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
    prefix = "t" + TEST.incrementAndGet() + "-a4c-";
  }

  private static synchronized void start() {
    if (server != null) {
      return;
    }
    int port = freePort();
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

  private static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client of the queues; the classes under test take it as the daemon's own. */
  public SqsClient client() {
    return client;
  }

  /**
   * A daemon configuration of host {@code h1} on these queues: this test's host-queue prefix (with
   * the command dead-letter queue, which the stack makes in AWS, created here) and a host-events
   * queue of its own (created here), the shortest poll wait; {@code overrides} on top.
   */
  public DaemonConfig config(Map<String, String> overrides) {
    client.createQueue(
        b ->
            b.queueName(HostQueues.commandDeadLetterQueueName(prefix + "host-"))
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));
    Map<String, String> env = new HashMap<>();
    env.put(DaemonEnv.HOST_ID, "h1");
    env.put(DaemonEnv.HOST_QUEUE_PREFIX, prefix + "host-");
    env.put(DaemonEnv.HOST_EVENTS_QUEUE_URL, createQueue("host-events"));
    env.put(DaemonEnv.SQS_ENDPOINT, endpoint.toString());
    env.put(DaemonEnv.POLL_WAIT_SECONDS, "1");
    env.putAll(overrides);
    return DaemonConfig.fromEnvironment(env);
  }

  /** The URL of {@code hostId}'s command queue under this test's prefix (once it exists). */
  public String hostQueueUrl(String hostId) {
    return client
        .getQueueUrl(b -> b.queueName(HostQueues.commandQueueName(prefix + "host-", hostId)))
        .queueUrl();
  }

  /** The URL of the command dead-letter queue under this test's prefix. */
  public String commandDeadLetterQueueUrl() {
    return client
        .getQueueUrl(b -> b.queueName(HostQueues.commandDeadLetterQueueName(prefix + "host-")))
        .queueUrl();
  }

  /** Creates a standard queue of this test named {@code <prefix><name>}; its URL. */
  public String createQueue(String name) {
    return client.createQueue(b -> b.queueName(prefix + name)).queueUrl();
  }

  /** Takes every message now visible on the queue at {@code url}, with their attributes. */
  public List<Message> receive(String url) {
    List<Message> taken = new ArrayList<>();
    while (true) {
      var messages =
          client
              .receiveMessage(
                  b ->
                      b.queueUrl(url)
                          .maxNumberOfMessages(10)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
              .messages();
      if (messages.isEmpty()) {
        return taken;
      }
      for (var message : messages) {
        taken.add(message);
        client.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
      }
    }
  }
}
