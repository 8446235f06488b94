package io.a4c.local.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynoxide, the open-source (MIT/Apache-2.0) DynamoDB-compatible engine backed by SQLite, as a
 * child process of this JVM on 127.0.0.1, its data in one database file (the local runtime) or in
 * memory (store tests, which want a clean engine in milliseconds). The binary comes from the npm
 * package {@code @dynoxide/linux-<arch>} that {@code local/engines.sh install} puts under {@code
 * local/dynoxide}. Where it differs from DynamoDB in a way A4C meets, docs/local-runtime.md says
 * so.
 */
public final class Dynoxide implements AutoCloseable {
  public static final String DIRECTORY = "dynoxide";
  public static final String DATABASE = "a4c.sqlite";

  /** The variable naming the directory its npm package is installed in, when not the default. */
  public static final String DIRECTORY_SETTING = "A4C_DYNOXIDE_DIR";

  private static final Duration START_WAIT = Duration.ofSeconds(30);

  private final ChildProcess process;
  private final int port;

  private Dynoxide(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts it on {@code port} (0: a free one), keeping its data under {@code dataDir}, and waits
   * until it listens.
   *
   * @param explicitDirectory where the npm package is installed, if a setting says so
   * @throws IllegalStateException naming what to install, or the log to read
   */
  public static Dynoxide start(Path explicitDirectory, Path dataDir, int port)
      throws IOException, InterruptedException {
    Files.createDirectories(dataDir);
    return launch(
        explicitDirectory,
        List.of("--db-path", dataDir.resolve(DATABASE).toString()),
        dataDir.resolve("dynoxide.log"),
        port);
  }

  /**
   * Starts one that keeps its data in memory (gone when it stops) on a free port, its output in
   * {@code log}, and waits until it listens.
   *
   * @throws IllegalStateException naming what to install, or the log to read
   */
  public static Dynoxide inMemory(Path log) throws IOException, InterruptedException {
    return launch(null, List.of(), log, 0);
  }

  private static Dynoxide launch(Path explicitDirectory, List<String> storage, Path log, int port)
      throws IOException, InterruptedException {
    Path binary = binary(explicitDirectory);
    int chosen = port == 0 ? FreePorts.pick() : port;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(chosen)));
    command.addAll(storage);
    var process = ChildProcess.start("Dynoxide", command, log);
    try {
      process.awaitAnswer(START_WAIT, () -> listens(chosen));
      return new Dynoxide(process, chosen);
    } catch (RuntimeException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  public static Path binary(Path explicitDirectory) {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "x64";
          case "aarch64", "arm64" -> "arm64";
          default ->
              throw new IllegalStateException(
                  "Dynoxide ships for x64 and arm64 only, not " + System.getProperty("os.arch"));
        };
    return NpmPackages.find(
        explicitDirectory, DIRECTORY, "@dynoxide/linux-" + arch + "/dynoxide", DIRECTORY_SETTING);
  }

  private static boolean listens(int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    process.close();
  }
}
