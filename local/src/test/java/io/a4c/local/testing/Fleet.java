package io.a4c.local.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerClients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Direct access to the test's Docker engines, to check what A4C did there and to set the scene (tag
 * images on some hosts only, fill a host's disk). What it makes is labelled {@code
 * io.a4c.test=true} and removed on close.
 */
public final class Fleet implements AutoCloseable {
  static final String TEST_LABEL = "io.a4c.test";

  private final Map<String, DockerClient> engines = new LinkedHashMap<>();
  // Tests of one class may tag at once (WorkspaceStopStartTest's concurrent idle test).
  private final List<String[]> taggedImages = new CopyOnWriteArrayList<>();

  Fleet(Map<String, String> dockerHosts) {
    dockerHosts.forEach((id, endpoint) -> engines.put(id, DockerClients.connect(endpoint)));
  }

  /** The host ids, in order. */
  public List<String> hostIds() {
    return List.copyOf(engines.keySet());
  }

  /** The engine of a host. */
  public DockerClient docker(String hostId) {
    return engines.get(hostId);
  }

  /** A4C's containers of one user on every host. */
  public List<Container> containersOf(String userId) {
    List<Container> all = new ArrayList<>();
    engines
        .values()
        .forEach(
            docker ->
                all.addAll(
                    docker
                        .listContainersCmd()
                        .withShowAll(true)
                        .withLabelFilter(Map.of(ContainerLabels.USER_ID, userId))
                        .exec()));
    return all;
  }

  /**
   * Removes, by force, A4C's containers of these users on every host: what a runtime that is gone
   * (a killed or closed child runtime) leaves behind.
   */
  public void removeContainersOf(java.util.Collection<String> userIds) {
    for (String userId : userIds) {
      for (Container container : containersOf(userId)) {
        for (DockerClient docker : engines.values()) {
          try {
            docker.removeContainerCmd(container.getId()).withForce(true).exec();
          } catch (RuntimeException notOnThisHost) {
            // each container is on one host
          }
        }
      }
    }
  }

  /** A4C's containers of one workspace on one host. */
  public List<Container> containersOfWorkspace(String hostId, String workspaceId) {
    return docker(hostId)
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.WORKSPACE_ID, workspaceId))
        .exec();
  }

  /**
   * Stops a host's Docker engine for real ({@code local/engines.sh stop}); its containers stop too.
   */
  public void stopEngine(String hostId) {
    engines("stop", hostId);
  }

  /** Starts a host's Docker engine again and waits until it answers. */
  public void startEngine(String hostId) {
    engines("start", hostId);
  }

  private static void engines(String command, String hostId) {
    java.nio.file.Path script = java.nio.file.Path.of("local", "engines.sh").toAbsolutePath();
    if (!java.nio.file.Files.exists(script)) {
      script = java.nio.file.Path.of("..", "local", "engines.sh").toAbsolutePath().normalize();
    }
    try {
      Process process =
          new ProcessBuilder("bash", script.toString(), command, hostId)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            "engines.sh " + command + " " + hostId + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("engines.sh did not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Runs a command in a container and returns what it printed. */
  public String exec(String hostId, String containerId, String... command) {
    var docker = docker(hostId);
    String execId =
        docker
            .execCreateCmd(containerId)
            .withCmd(command)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    var out = new StringBuilder();
    try {
      docker
          .execStartCmd(execId)
          .exec(
              new com.github.dockerjava.api.async.ResultCallback.Adapter<
                  com.github.dockerjava.api.model.Frame>() {
                @Override
                public void onNext(com.github.dockerjava.api.model.Frame frame) {
                  out.append(
                      new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** Whether a host's engine holds an image. */
  public boolean holds(String hostId, String imageRef) {
    try {
      docker(hostId).inspectImageCmd(imageRef).exec();
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      return false;
    }
  }

  /** Removes an image (by reference) from every host that holds it. */
  public void removeEverywhere(String imageRef) {
    engines
        .values()
        .forEach(
            docker -> {
              try {
                docker.removeImageCmd(imageRef).withForce(true).exec();
              } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                // not on this host
              }
            });
  }

  /** Tags {@code source} as {@code target} on one host only. */
  public void tag(String hostId, String source, String target) {
    int colon = target.lastIndexOf(':');
    docker(hostId)
        .tagImageCmd(source, target.substring(0, colon), target.substring(colon + 1))
        .exec();
    taggedImages.add(new String[] {hostId, target});
  }

  /**
   * Grows a host's disk use by about {@code megabytes}: a stopped container whose writable layer
   * holds a file of that size.
   */
  public void fillDisk(String hostId, int megabytes) {
    var docker = docker(hostId);
    String id =
        docker
            .createContainerCmd("a4c-base:busybox")
            .withLabels(Map.of(TEST_LABEL, "true"))
            .withCmd("dd", "if=/dev/zero", "of=/filler", "bs=1048576", "count=" + megabytes)
            .exec()
            .getId();
    docker.startContainerCmd(id).exec();
    docker.waitContainerCmd(id).start().awaitStatusCode();
  }

  /**
   * Removes what the tests made: filler containers, and workspace containers of the run's test
   * users that a failed test left (a passing test deletes its workspaces through the API).
   */
  @Override
  public void close() {
    engines.forEach(
        (hostId, docker) -> {
          for (Container c :
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(TEST_LABEL, "true"))
                  .exec()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
          }
          for (Container c :
              docker
                  .listContainersCmd()
                  .withShowAll(true)
                  .withLabelFilter(Map.of(ContainerLabels.MANAGED, "true"))
                  .exec()) {
            if (c.getLabels() != null
                && Scenario.USERS.contains(c.getLabels().get(ContainerLabels.USER_ID))) {
              try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
              } catch (com.github.dockerjava.api.exception.NotFoundException
                  | com.github.dockerjava.api.exception.ConflictException e) {
                // its daemon removed it meanwhile, or is removing it now ("already in progress")
              }
            }
          }
        });
    for (String[] tagged : taggedImages) {
      try {
        engines.get(tagged[0]).removeImageCmd(tagged[1]).withForce(true).exec();
      } catch (RuntimeException e) {
        // already gone
      }
    }
    engines
        .values()
        .forEach(
            docker -> {
              try {
                docker.close();
              } catch (IOException e) {
                // closing a test client
              }
            });
  }
}
