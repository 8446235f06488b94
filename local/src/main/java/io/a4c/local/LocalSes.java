package io.a4c.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  private final Process process;
  private final int port;

  private LocalSes(Process process, int port) {
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
    Path cli = find(explicitDirectory);
    int port = FreePorts.pick();
    Files.createDirectories(dataDir);
    var process =
        new ProcessBuilder(
                "node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("ses.log").toFile()))
            .start();
    var ses = new LocalSes(process, port);
    try {
      ses.awaitHealthy();
      return ses;
    } catch (RuntimeException | InterruptedException e) {
      ses.close();
      throw e;
    }
  }

  private static Path find(Path explicitDirectory) {
    List<Path> candidates = new ArrayList<>();
    if (explicitDirectory != null) {
      candidates.add(explicitDirectory);
    }
    candidates.add(Path.of("local", "ses"));
    candidates.add(Path.of("ses"));
    for (Path dir : candidates) {
      Path cli = dir.resolve("node_modules").resolve(PACKAGE).resolve("dist").resolve("cli.js");
      if (Files.isRegularFile(cli)) {
        return cli.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "the local SES endpoint (npm package "
            + PACKAGE
            + ") is not installed in "
            + candidates
            + ": run local/engines.sh install (or npm ci --prefix local/ses), or set "
            + LocalEnv.SES_LOCAL_DIR);
  }

  private void awaitHealthy() throws InterruptedException {
    var http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(START_WAIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the local SES endpoint exited at start (exit "
                + process.exitValue()
                + "); see ses.log in the data directory");
      }
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(endpoint().resolve("/health-check"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the local SES endpoint did not answer within "
            + START_WAIT.toSeconds()
            + " s; see ses.log in the data directory");
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
