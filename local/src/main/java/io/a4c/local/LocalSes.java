package io.a4c.local;

import io.a4c.local.embedded.ChildProcess;
import io.a4c.local.embedded.FreePorts;
import io.a4c.local.embedded.NpmPackages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An SES v2-compatible endpoint on 127.0.0.1: the npm package aws-ses-v2-local, run with Node as a
 * child process. The functions' SES client sends to it as to SES; what it received is listed at
 * {@code GET /store} (and shown at {@code /}), which the tests read. Its output goes to {@code
 * <dataDir>/ses.log}.
 */
final class LocalSes implements AutoCloseable {
  static final String PACKAGE = "aws-ses-v2-local";
  private static final Duration START_WAIT = Duration.ofSeconds(30);

  private final ChildProcess process;
  private final int port;

  private LocalSes(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts it.
   *
   * @throws IllegalStateException naming what to install when Node or the package is missing
   */
  static LocalSes start(Path explicitDirectory, Path dataDir)
      throws IOException, InterruptedException {
    Path cli =
        NpmPackages.find(
            explicitDirectory, "ses", PACKAGE + "/dist/cli.js", LocalEnv.SES_LOCAL_DIR);
    int port = FreePorts.pick();
    var process =
        ChildProcess.start(
            "the local SES endpoint",
            List.of(
                "node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)),
            dataDir.resolve("ses.log"));
    try {
      var http = HttpClient.newHttpClient();
      process.awaitAnswer(START_WAIT, () -> answers(http, port));
      return new LocalSes(process, port);
    } catch (RuntimeException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  private static boolean answers(HttpClient http, int port) {
    try {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health-check"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    process.close();
  }
}
