package io.a4c.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.daemon.docker.Handoff;
import io.a4c.daemon.docker.StepFailure;
import io.a4c.daemon.docker.WorkspaceNetwork;
import io.a4c.daemon.heartbeat.WritableLayerUsage;
import io.a4c.daemon.images.EngineImages;
import io.a4c.daemon.registry.RegistryAuth;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.WorkspaceSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image collection on a real engine (the first of {@code A4C_TEST_DOCKER_HOSTS}): four
 * throwaway builds tagged in a repository of the test's own, one used by a stopped container; the
 * collection keeping the newest two removes exactly the old unused one and leaves the base image.
 */
@EnabledIfEnvironmentVariable(named = "A4C_TEST_DOCKER_HOSTS", matches = ".*h1=unix://.*")
class ImageCollectorDockerTest {
  private static final String BUSYBOX = "a4c-base:busybox";

  private final String repository =
      "10.250.0.1:5000/a4c-gc-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final String localOnly =
      "a4c-gc-local-" + repository.substring(repository.lastIndexOf('-') + 1);
  private final List<String> containers = new ArrayList<>();
  @TempDir Path dataDir;
  private DockerClient docker;

  @BeforeEach
  void connect() {
    String hosts = System.getenv("A4C_TEST_DOCKER_HOSTS");
    String endpoint = hosts.replaceAll(".*h1=(unix://[^,]+).*", "$1");
    docker = DockerClients.connect(endpoint);
  }

  @AfterEach
  void cleanUp() {
    for (String id : containers) {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
    var refs = new ArrayList<String>(List.of(repository + ":collected", localOnly + ":collected"));
    for (int change = 1; change <= 4; change++) {
      refs.add(ref(change));
    }
    for (String ref : refs) {
      try {
        docker.removeImageCmd(ref).withForce(true).exec();
      } catch (NotFoundException e) {
        // collected by the test
      }
    }
  }

  @Test
  void removesTheOldUnusedBuildAndKeepsTheUsedTheNewestAndTheBase() {
    String scratch = container(BUSYBOX);
    for (int change = 1; change <= 4; change++) {
      docker
          .commitCmd(scratch)
          .withRepository(repository)
          .withTag(tag(change))
          .withLabels(Map.of("io.a4c.change", "c" + change))
          .exec();
    }
    container(ref(1));

    var removed = collector().collect();

    assertThat(removed).containsExactly(ref(2));
    assertThat(present(ref(1))).as("a stopped container uses it").isTrue();
    assertThat(present(ref(2))).isFalse();
    assertThat(present(ref(3))).isTrue();
    assertThat(present(ref(4))).isTrue();
    assertThat(present(BUSYBOX)).isTrue();
  }

  @Test
  void aCreateWhoseImageIsCollectedBeforeItsContainerIsMadeFailsOnlyThatAttempt() throws Exception {
    // A collection cannot be made to land between a create's check for its image and its `docker
    // create` on demand: so the real engine is asked to remove the image at that very moment, as
    // the collection would (the one stand-in here is this timing, through a proxy of the client).
    String pullable = repository + ":collected";
    docker.tagImageCmd(BUSYBOX, repository, "collected").exec();
    docker.tagImageCmd(BUSYBOX, localOnly, "collected").exec();
    var config = config();
    var racing =
        (DockerClient)
            Proxy.newProxyInstance(
                DockerClient.class.getClassLoader(),
                new Class<?>[] {DockerClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("createContainerCmd")) {
                    docker.removeImageCmd((String) args[0]).exec();
                  }
                  try {
                    return method.invoke(docker, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    var runtime =
        new DockerWorkspaceRuntime(
            racing, RegistryAuth.NONE, new WorkspaceNetwork(racing, config), new Handoff(dataDir));

    for (String image : List.of(pullable, localOnly + ":collected")) {
      String workspaceId =
          "ws-"
              + "0123456789abcdefghijklmnopqrstuv".repeat(2).substring(0, 20)
              + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
      var command =
          CreateWorkspace.of(
              "c-1",
              "gc-probe",
              workspaceId,
              "alice",
              new WorkspaceSpec(image, workspaceId + ".ws.test", List.of(), 0.5, 128, 128, 1));
      try {
        var failure =
            catchThrowableOfType(StepFailure.class, () -> runtime.create(command, 0, null));
        if (image.equals(pullable)) {
          assertThat(failure.isTransient())
              .as("in the repository: the next attempt pulls it again")
              .isTrue();
          assertThat(failure).hasMessageContaining(image).hasMessageContaining("pulls it again");
        } else {
          assertThat(failure.isTransient()).as("nowhere to pull it from").isFalse();
          assertThat(failure).hasMessageContaining("No such image");
        }
      } finally {
        docker.removeVolumeCmd(ContainerLabels.homeVolume(workspaceId)).exec();
      }
    }
  }

  private String container(String image) {
    String id = docker.createContainerCmd(image).withCmd("true").exec().getId();
    containers.add(id);
    return id;
  }

  private boolean present(String ref) {
    try {
      docker.inspectImageCmd(ref).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private ImageCollector collector() {
    var config = config();
    return new ImageCollector(
        docker,
        new EngineImages(docker, Clock.systemUTC(), config),
        new WritableLayerUsage(docker, config),
        config);
  }

  private DaemonConfig config() {
    return DaemonConfig.fromEnvironment(
        Map.of(
            DaemonEnv.HOST_ID, "gc-probe",
            DaemonEnv.HOST_EVENTS_QUEUE_URL, "http://127.0.0.1:9/unused",
            DaemonEnv.HOST_QUEUE_PREFIX, "a4c-host-",
            DaemonEnv.IMAGE_REPOSITORY, repository,
            DaemonEnv.IMAGE_DISK_BUDGET_PERCENT, "0",
            DaemonEnv.IMAGE_KEEP_NEWEST, "2",
            DaemonEnv.DATA_DIR, dataDir.toString()));
  }

  private String ref(int change) {
    return repository + ":" + tag(change);
  }

  private static String tag(int change) {
    return "gc_main_amd64_c" + change;
  }
}
