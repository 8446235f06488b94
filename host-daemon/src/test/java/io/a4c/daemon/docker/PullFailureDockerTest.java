package io.a4c.daemon.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PushResponseItem;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.registry.BasicRegistryAuth;
import io.a4c.daemon.registry.ImageRepository;
import io.a4c.daemon.registry.RegistryCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull that the engine fails half-way, on the real engine (the first of {@code
 * A4C_TEST_DOCKER_HOSTS}) and the real registry of {@code A4C_TEST_REGISTRY} ({@code
 * local/engines.sh}: its credentials and storage under {@code /var/lib/a4c}, or {@code
 * A4C_TEST_REGISTRY_CREDENTIALS_FILE} and {@code A4C_TEST_REGISTRY_STORAGE}). An image of the
 * test's own is pushed, then its layers are unlinked from its repository in the registry's storage
 * (the registry then answers "blob unknown" for them, as it would after losing them): the engine
 * has already answered the pull with HTTP 200 and says so only inside its progress stream.
 */
@EnabledIfEnvironmentVariable(named = "A4C_TEST_REGISTRY", matches = ".+")
@EnabledIfEnvironmentVariable(named = "A4C_TEST_DOCKER_HOSTS", matches = ".*h1=unix://.*")
class PullFailureDockerTest {
  private static final String BUSYBOX = "a4c-base:busybox";

  private final String path = "a4c-pull-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final String registry = System.getenv("A4C_TEST_REGISTRY");
  private final String image = registry + "/" + path + ":broken";
  private final Path storage =
      Path.of(
          Optional.ofNullable(System.getenv("A4C_TEST_REGISTRY_STORAGE"))
              .orElse("/var/lib/a4c/registry"));
  private final Path repositoryDir = storage.resolve("docker/registry/v2/repositories/" + path);
  @TempDir Path dataDir;
  private DockerClient docker;
  private BasicRegistryAuth auth;
  private RegistryCredentials credentials;

  @BeforeEach
  void connect() throws Exception {
    String endpoint =
        System.getenv("A4C_TEST_DOCKER_HOSTS").replaceAll(".*h1=(unix://[^,]+).*", "$1");
    docker = DockerClients.connect(endpoint);
    String line =
        Files.readString(
                Path.of(
                    Optional.ofNullable(System.getenv("A4C_TEST_REGISTRY_CREDENTIALS_FILE"))
                        .orElse("/var/lib/a4c/registry-credentials")))
            .strip();
    int colon = line.indexOf(':');
    credentials = new RegistryCredentials(line.substring(0, colon), line.substring(colon + 1));
    auth = new BasicRegistryAuth(ImageRepository.parse(registry + "/" + path), credentials);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String tag : List.of("broken", "large")) {
      try {
        docker.removeImageCmd(registry + "/" + path + ":" + tag).withForce(true).exec();
      } catch (NotFoundException e) {
        // not pulled: as expected
      }
    }
    if (Files.exists(repositoryDir)) {
      try (var paths = Files.walk(repositoryDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void aPullThatFailsInsideTheEnginesProgressFailsTheAttempt() throws Exception {
    pushAnImageOfItsOwn();
    breakItsLayersInTheRegistry();
    docker.removeImageCmd(image).exec();

    var runtime =
        new DockerWorkspaceRuntime(
            docker, auth, new WorkspaceNetwork(docker, config()), new Handoff(dataDir));
    var failure = catchThrowableOfType(StepFailure.class, () -> runtime.pullIfAbsent(image));

    assertThat(failure).as("the pull's failure is seen, not passed over").isNotNull();
    assertThat(failure.isTransient()).as("the next attempt pulls again").isTrue();
    assertThat(failure).hasMessageStartingWith("pulling " + image + " failed: ");
    assertThat(catchThrowableOfType(NotFoundException.class, () -> inspect(image)))
        .as("nothing half-pulled is taken for the image")
        .isNotNull();
  }

  @Test
  void aPullThatStallsFailsTheAttemptAtItsDeadline() throws Exception {
    pushAnImageOfItsOwn("head -c 1048576 /dev/urandom > /probe", "large");
    docker.removeImageCmd(registry + "/" + path + ":large").exec();
    // The real registry behind a proxy that stalls every response past 256 KiB: the layer's
    // download stops half-way and nothing ends it, as with a registry or a network that hangs —
    // a fault the real registry does not give on demand.
    try (var proxy = new StallingProxy(registry, 256 * 1024)) {
      String through = "127.0.0.1:" + proxy.port() + "/" + path + ":large";
      var runtime =
          new DockerWorkspaceRuntime(
              docker,
              new BasicRegistryAuth(
                  ImageRepository.parse("127.0.0.1:" + proxy.port() + "/" + path), credentials),
              new WorkspaceNetwork(docker, config()),
              new Handoff(dataDir),
              Duration.ofSeconds(5));

      var failure = catchThrowableOfType(StepFailure.class, () -> runtime.pullIfAbsent(through));

      assertThat(failure).isNotNull();
      assertThat(failure.isTransient()).as("the next attempt pulls again").isTrue();
      assertThat(failure).hasMessage("pulling " + through + " did not finish in 5 s");
      assertThat(proxy.stalls()).as("downloads the proxy stalled").isPositive();
    }
  }

  /**
   * A TCP proxy to the registry that forwards each connection's response bytes up to a limit and
   * then forwards nothing more, holding the connection open until the client closes it.
   */
  private static final class StallingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final String upstreamHost;
    private final int upstreamPort;
    private final int limit;
    private final AtomicInteger stalls = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    StallingProxy(String upstream, int limit) throws IOException {
      int colon = upstream.lastIndexOf(':');
      this.upstreamHost = upstream.substring(0, colon);
      this.upstreamPort = Integer.parseInt(upstream.substring(colon + 1));
      this.limit = limit;
      Thread.ofVirtual().start(this::acceptAll);
    }

    int port() {
      return server.getLocalPort();
    }

    int stalls() {
      return stalls.get();
    }

    private void acceptAll() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(upstreamHost, upstreamPort);
          sockets.add(client);
          sockets.add(upstream);
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      client.getInputStream().transferTo(upstream.getOutputStream());
                    } catch (IOException e) {
                      // closed
                    }
                    closeBoth(client, upstream);
                  });
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] buffer = new byte[8192];
                    long forwarded = 0;
                    try {
                      int n;
                      while ((n = upstream.getInputStream().read(buffer)) >= 0) {
                        if (forwarded + n > limit) {
                          stalls.incrementAndGet();
                          return; // forwards nothing more; the connection stays open
                        }
                        client.getOutputStream().write(buffer, 0, n);
                        client.getOutputStream().flush();
                        forwarded += n;
                      }
                    } catch (IOException e) {
                      // closed
                    }
                    closeBoth(client, upstream);
                  });
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void closeBoth(Socket a, Socket b) {
      try {
        a.close();
        b.close();
      } catch (IOException e) {
        // closing
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private void inspect(String ref) {
    docker.inspectImageCmd(ref).exec();
  }

  /** A layer no other image has: a file with this test's name on top of busybox. */
  private void pushAnImageOfItsOwn() throws Exception {
    pushAnImageOfItsOwn("echo " + path + " > /probe", "broken");
  }

  /** {@code registry/path:tag}: busybox with the layer {@code script} writes, pushed. */
  private void pushAnImageOfItsOwn(String script, String tag) throws Exception {
    String pushed = registry + "/" + path + ":" + tag;
    String container =
        docker.createContainerCmd(BUSYBOX).withCmd("sh", "-c", script).exec().getId();
    try {
      docker.startContainerCmd(container).exec();
      docker.waitContainerCmd(container).start().awaitStatusCode(30, TimeUnit.SECONDS);
      docker.commitCmd(container).withRepository(registry + "/" + path).withTag(tag).exec();
    } finally {
      docker.removeContainerCmd(container).withForce(true).exec();
    }
    String[] error = {null};
    docker
        .pushImageCmd(pushed)
        .withAuthConfig(auth.forImage(pushed).orElseThrow())
        .exec(
            new ResultCallback.Adapter<PushResponseItem>() {
              @Override
              public void onNext(PushResponseItem item) {
                if (item.isErrorIndicated()) {
                  error[0] = String.valueOf(item.getErrorDetail());
                }
              }
            })
        .awaitCompletion(60, TimeUnit.SECONDS);
    assertThat(error[0]).as("the push").isNull();
  }

  /**
   * Unlinks every layer of the pushed manifest from this test's repository, in the registry's own
   * storage: the manifest and the image's configuration are still served, its layers are not.
   */
  private void breakItsLayersInTheRegistry() throws Exception {
    String digest =
        Files.readString(repositoryDir.resolve("_manifests/tags/broken/current/link")).strip();
    String hex = digest.substring("sha256:".length());
    var manifest =
        new ObjectMapper()
            .readTree(
                Files.readString(
                    storage.resolve(
                        "docker/registry/v2/blobs/sha256/"
                            + hex.substring(0, 2)
                            + "/"
                            + hex
                            + "/data"),
                    StandardCharsets.UTF_8));
    assertThat(manifest.path("layers").size()).isPositive();
    for (var layer : manifest.path("layers")) {
      String layerHex = layer.path("digest").asText().substring("sha256:".length());
      Files.delete(repositoryDir.resolve("_layers/sha256/" + layerHex + "/link"));
    }
  }

  private DaemonConfig config() {
    return DaemonConfig.fromEnvironment(
        Map.of(
            DaemonEnv.HOST_ID, "pull-probe",
            DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused",
            DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-",
            DaemonEnv.IMAGE_REPOSITORY, registry + "/" + path,
            DaemonEnv.DATA_DIR, dataDir.toString()));
  }
}
