package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import io.a4c.daemon.docker.DockerClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code A4C_FLEET_CPU_SHARES=512 local/engines.sh up} puts the fleet in a CPU cgroup of its own,
 * {@code a4c-fleet}, with that weight (docs/local-engines.md): every engine's {@code dockerd} and
 * {@code containerd}, the registry, and what an engine starts afterwards (a container's shim); and
 * {@code up} with {@code 0}, the default, takes them out again. Read from {@code
 * /proc/<pid>/cgroup} of the real processes, found by the pidfiles the script writes.
 */
class FleetCpuGroupTest {
  private static final String GROUP = "/a4c-fleet";
  private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
  private static final Path V2 = Path.of("/sys/fs/cgroup");

  @Test
  void upWithAWeightPutsTheFleetInItsCpuGroupAndUpWithNoneTakesItOut() throws Exception {
    boolean v1 = Files.exists(V1.resolve("cpu.shares"));
    assumeTrue(
        v1
            || (Files.exists(V2.resolve("cgroup.controllers"))
                && Files.readString(V2.resolve("cgroup.controllers")).contains("cpu")),
        "no CPU cgroup controller on this machine");
    Map<String, String> hosts = dockerHosts();
    try {
      engines(hosts.size(), "512");
      if (v1) {
        assertThat(Files.readString(V1.resolve("a4c-fleet/cpu.shares")).strip()).isEqualTo("512");
      } else {
        assertThat(Files.readString(V2.resolve("a4c-fleet/cpu.weight")).strip()).isEqualTo("50");
      }
      assertFleetIn(hosts, GROUP);
    } finally {
      engines(hosts.size(), "0");
    }
    assertFleetIn(hosts, "/");
  }

  private static void assertFleetIn(Map<String, String> hosts, String group) throws Exception {
    for (String hostId : hosts.keySet()) {
      long dockerd = pid(pidfile(hostId));
      assertThat(cpuGroup(dockerd)).as("%s's dockerd", hostId).isEqualTo(group);
      // (An engine that uses the machine's containerd service, not one of its own, has none.)
      for (long pid : childrenNamed(dockerd, "containerd")) {
        assertThat(cpuGroup(pid)).as("%s's containerd", hostId).isEqualTo(group);
      }
    }
    assertThat(cpuGroup(pid(Path.of("/run/a4c/registry.pid")))).as("the registry").isEqualTo(group);

    // A process an engine starts now: the shim of a new container (the container itself is in the
    // cgroup its engine gives it).
    String hostId = List.copyOf(hosts.keySet()).getLast();
    DockerClient docker = DockerClients.connect(hosts.get(hostId));
    String id =
        docker
            .createContainerCmd("a4c-base:busybox")
            .withCmd("sleep", "60")
            .withLabels(Map.of("io.a4c.test", "true"))
            .exec()
            .getId();
    try {
      docker.startContainerCmd(id).exec();
      long init = docker.inspectContainerCmd(id).exec().getState().getPidLong();
      long shim = parentOf(init);
      assertThat(Files.readString(Path.of("/proc/" + shim + "/comm")).strip())
          .startsWith("containerd-shim");
      assertThat(cpuGroup(shim))
          .as("the shim of a container started on %s", hostId)
          .isEqualTo(group);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** Runs {@code local/engines.sh up N} with the fleet's weight set to {@code shares}. */
  private static void engines(int hosts, String shares) throws Exception {
    Path script = Path.of("local", "engines.sh").toAbsolutePath();
    if (!Files.exists(script)) {
      script = Path.of("..", "local", "engines.sh").toAbsolutePath().normalize();
    }
    var process =
        new ProcessBuilder(script.toString(), "up", Integer.toString(hosts))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    process.environment().put("A4C_FLEET_CPU_SHARES", shares);
    Process started = process.start();
    String output = new String(started.getInputStream().readAllBytes());
    assertThat(started.waitFor()).as("engines.sh up: %s", output).isZero();
  }

  private static Map<String, String> dockerHosts() {
    var hosts = new java.util.LinkedHashMap<String, String>();
    String spec =
        System.getenv().getOrDefault("A4C_TEST_DOCKER_HOSTS", "h1=unix:///var/run/docker.sock");
    for (String entry : spec.split(",")) {
      String[] idAndUrl = entry.split("=", 2);
      hosts.put(idAndUrl[0].strip(), idAndUrl[1].strip());
    }
    return hosts;
  }

  /** Where local/engines.sh (h2..hN) or dockerd itself (h1) keeps a host's engine's pid. */
  private static Path pidfile(String hostId) {
    return hostId.equals("h1")
        ? Path.of("/var/run/docker.pid")
        : Path.of("/run/a4c/" + hostId + ".pid");
  }

  private static long pid(Path pidfile) throws IOException {
    return Long.parseLong(Files.readString(pidfile).strip());
  }

  /** The process's cgroup in the CPU controller's hierarchy (v1), else the unified one (v2). */
  private static String cpuGroup(long pid) throws IOException {
    Optional<String> unified = Optional.empty();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] fields = line.split(":", 3);
      if (List.of(fields[1].split(",")).contains("cpu")) {
        return fields[2];
      }
      if (fields[0].equals("0") && fields[1].isEmpty()) {
        unified = Optional.of(fields[2]);
      }
    }
    return unified.orElseThrow();
  }

  private static long parentOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
  }

  private static List<Long> childrenNamed(long parent, String name) throws IOException {
    List<Long> children = new ArrayList<>();
    try (var processes = Files.list(Path.of("/proc"))) {
      for (Path dir : processes.toList()) {
        String pid = dir.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (parentOf(Long.parseLong(pid)) == parent
              && Files.readString(dir.resolve("comm")).strip().equals(name)) {
            children.add(Long.parseLong(pid));
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return children;
  }
}
