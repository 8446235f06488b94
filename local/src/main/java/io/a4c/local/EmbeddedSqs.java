package io.a4c.local;

import io.a4c.local.embedded.FreePorts;
import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ (SQS-compatible, FIFO queues included) in this process. Its queues live in memory: a
 * restart loses messages in flight, which the sweeper re-drives (see docs/local-runtime.md).
 */
final class EmbeddedSqs implements AutoCloseable {
  private final SQSRestServer server;
  private final int port;

  private EmbeddedSqs(SQSRestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static EmbeddedSqs start(int port) {
    int chosen = port == 0 ? FreePorts.pick() : port;
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withPort(chosen)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", chosen, ""))
            .start();
    server.waitUntilStarted();
    return new EmbeddedSqs(server, chosen);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
