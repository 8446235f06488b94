package io.a4c.local.testing;

import static org.awaitility.Awaitility.await;

import io.a4c.local.LocalEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local runtime in a JVM of its own ({@code io.a4c.local.LocalMain} on this test's class path),
 * so a test can kill it as a crash does: {@code kill -9}, no shutdown hook, nothing closed. It runs
 * on the engines of {@code A4C_TEST_DOCKER_HOSTS} with short beats, on a data directory and port
 * that stay the same across restarts. Its output goes to {@code child-N.log} in the data directory.
 */
public final class ChildRuntime implements AutoCloseable {
  private static final Pattern SES =
      Pattern.compile("SES endpoint\\): (http://127\\.0\\.0\\.1:\\d+)/");
  private static final Duration START_WAIT = Duration.ofMinutes(3);

  private final Path dataDir;
  private final int port;
  private final Map<String, String> environment;
  private final List<ProcessHandle> everSeen = new ArrayList<>();
  private Process process;
  private URI sesEndpoint;
  private int starts;

  private ChildRuntime(Path dataDir, int port, Map<String, String> environment) {
    this.dataDir = dataDir;
    this.port = port;
    this.environment = environment;
  }

  /**
   * A runtime on {@code dataDir}, not started yet.
   *
   * @param settings runtime settings ({@link LocalEnv}) over the short test ones
   */
  public static ChildRuntime on(Path dataDir, Map<String, String> settings) {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var env = new java.util.HashMap<String, String>();
    env.put(LocalEnv.PORT, Integer.toString(port));
    env.put(LocalEnv.DNS_PORT, "0");
    env.put(LocalEnv.DATA_DIR, dataDir.toString());
    env.put(
        LocalEnv.DOCKER_HOSTS,
        System.getenv().getOrDefault("A4C_TEST_DOCKER_HOSTS", "h1=unix:///var/run/docker.sock"));
    env.put(LocalEnv.HEARTBEAT_SECONDS, "1");
    env.put(LocalEnv.HOST_DOWN_AFTER_MISSED_BEATS, "30");
    env.put(LocalEnv.RECONCILE_SECONDS, "1");
    env.put(LocalEnv.RECONCILE_GRACE_SECONDS, "3");
    env.put(LocalEnv.COMMAND_VISIBILITY_SECONDS, "4");
    env.put(LocalEnv.SWEEP_SECONDS, "1");
    env.put(
        LocalEnv.IMAGE_REPOSITORY,
        System.getenv().getOrDefault("A4C_TEST_REGISTRY", "10.250.0.1:5000") + "/a4c-images");
    env.put(LocalEnv.BUILD_VISIBILITY_SECONDS, "6");
    env.putAll(settings);
    return new ChildRuntime(dataDir, port, Map.copyOf(env));
  }

  /** Starts the JVM and waits until {@code /healthz} answers 200. */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the child runtime runs already");
    }
    starts++;
    Path log = dataDir.resolve("child-" + starts + ".log");
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-cp",
            // Surefire's own class path may be a manifest-only jar; this is the tests' real one.
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            "io.a4c.local.LocalMain");
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(dataDir);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var http = HttpClient.newHttpClient();
    await()
        .atMost(START_WAIT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "the child runtime exited " + process.exitValue() + ":\n" + tail(log));
              }
              return http.send(
                          HttpRequest.newBuilder(baseUri().resolve("/healthz"))
                              .timeout(Duration.ofSeconds(2))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
    // LocalMain prints the SES endpoint just after the runtime is up.
    sesEndpoint =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  var matcher = SES.matcher(Files.readString(log));
                  return matcher.find() ? URI.create(matcher.group(1)) : null;
                },
                java.util.Objects::nonNull);
    everSeen.addAll(descendants());
  }

  /** Sends the JVM SIGKILL, as {@code kill -9} does, and waits for it to be gone. */
  public void kill9() {
    everSeen.addAll(descendants());
    try {
      var kill =
          new ProcessBuilder("kill", "-KILL", Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(
            "kill -KILL "
                + process.pid()
                + ": "
                + new String(kill.getInputStream().readAllBytes()));
      }
      process.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The processes the JVM started that run now (its children and theirs). */
  public List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The SES endpoint of the current start ({@code GET <endpoint>/store} lists the emails). */
  public URI sesEndpoint() {
    return sesEndpoint;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The engines it runs on (the caller closes it). */
  public Fleet fleet() {
    return new Fleet(io.a4c.local.LocalConfig.fromEnvironment(environment).dockerHosts());
  }

  private static String tail(Path log) {
    try {
      var lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills the JVM if it runs, and whatever it started that outlived it. */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill9();
    }
    everSeen.forEach(ProcessHandle::destroyForcibly);
  }
}
