package io.a4c.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** DynamoDB Local (AWS's own emulator) in this process, storing its data under a directory. */
final class EmbeddedDynamoDb implements AutoCloseable {
  private final DynamoDBProxyServer server;
  private final int port;

  private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static EmbeddedDynamoDb start(Path dataDir, int port) throws Exception {
    Files.createDirectories(dataDir);
    int chosen = port == 0 ? FreePorts.pick() : port;
    var server =
        ServerRunner.createServerFromCommandLineArgs(
            new String[] {
              "-port",
              Integer.toString(chosen),
              "-dbPath",
              dataDir.toString(),
              "-sharedDb",
              "-disableTelemetry"
            });
    server.start();
    return new EmbeddedDynamoDb(server, chosen);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
