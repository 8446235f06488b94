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
 * The CPU cgroups of docs/local-engines.md: {@code local/engines.sh up} puts the fleet in {@code
 * a4c-fleet} with the weight {@code A4C_FLEET_CPU_SHARES} (1024 unless set) — every engine's {@code
 * dockerd} and {@code containerd}, the registry, and what an engine starts afterwards (a
 * container's shim) — and {@code up} with {@code 0} takes them out again; {@code local/engines.sh
 * runtime-group PID} (what {@code ./a4c run} and {@code bench} run for themselves; {@code test}
 * with both weights 0 unless set) puts a process in {@code a4c-runtime} with {@code
 * A4C_RUNTIME_CPU_SHARES} (2048 unless set). Read from {@code /proc/<pid>/cgroup} of the real
 * processes, found by the pidfiles the script writes.
 */
class FleetCpuGroupTest {
  private static final String GROUP = "/a4c-fleet";
  private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
  private static final Path V2 = Path.of("/sys/fs/cgroup");
  private static final String FLEET = "A4C_FLEET_CPU_SHARES";
  private static final String RUNTIME = "A4C_RUNTIME_CPU_SHARES";

  /** A value of {@link #engines}'s {@code env}: the variable is not set at all (the default). */
  private static final String UNSET = "";

  @Test
  void upWithAWeightPutsTheFleetInItsCpuGroupAndUpWithNoneTakesItOut() throws Exception {
    boolean v1 = assumeCpuController();
    Map<String, String> hosts = dockerHosts();
    String n = Integer.toString(hosts.size());
    try {
      engines(Map.of(FLEET, "512"), "up", n).succeeds();
      assertThat(weight(v1, "a4c-fleet")).isEqualTo(v1 ? "512" : "50");
      assertFleetIn(hosts, GROUP);
      engines(Map.of(FLEET, "0"), "up", n).succeeds();
      assertFleetIn(hosts, "/");
      engines(Map.of(FLEET, UNSET), "up", n).succeeds();
      assertThat(weight(v1, "a4c-fleet")).isEqualTo(v1 ? "1024" : "100");
      assertFleetIn(hosts, GROUP);
      assertThat(engines(Map.of(FLEET, "1"), "up", n).fails())
          .contains("A4C_FLEET_CPU_SHARES must be 0 or 2..262144");
    } finally {
      // As the rest of the suite expects it: the weight this JVM was started with (./a4c test: 0).
      engines(Map.of(), "up", n).succeeds();
    }
  }

  @Test
  void runtimeGroupPutsAProcessAndWhatItStartsInTheRuntimesCpuGroup() throws Exception {
    boolean v1 = assumeCpuController();
    Process shell = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
    String pid = Long.toString(shell.pid());
    try {
      engines(Map.of(RUNTIME, "3000"), "runtime-group", pid).succeeds();
      assertThat(weight(v1, "a4c-runtime")).isEqualTo(v1 ? "3000" : "293");
      assertThat(cpuGroup(shell.pid())).isEqualTo("/a4c-runtime");
      engines(Map.of(RUNTIME, "0"), "runtime-group", pid).succeeds();
      assertThat(cpuGroup(shell.pid())).isEqualTo("/");
      engines(Map.of(RUNTIME, UNSET), "runtime-group", pid).succeeds();
      assertThat(weight(v1, "a4c-runtime")).isEqualTo(v1 ? "2048" : "200");
      assertThat(cpuGroup(shell.pid())).isEqualTo("/a4c-runtime");
      // What the process starts from now on inherits the group (as the runtime's Dynoxide does).
      Process child = new ProcessBuilder("sleep", "60").start();
      try {
        engines(Map.of(RUNTIME, UNSET), "runtime-group", Long.toString(child.pid())).succeeds();
        assertThat(cpuGroup(child.pid())).isEqualTo("/a4c-runtime");
      } finally {
        child.destroy();
      }
      assertThat(engines(Map.of(), "runtime-group", "0").fails()).contains("no process '0'");
      assertThat(engines(Map.of(), "runtime-group").fails()).contains("which process?");
      assertThat(engines(Map.of(RUNTIME, "x"), "runtime-group", pid).fails())
          .contains("A4C_RUNTIME_CPU_SHARES must be 0 or 2..262144");
    } finally {
      // The group's weight as this JVM's runtime-group call set it, whatever this test changed.
      engines(Map.of(), "runtime-group", pid);
      shell.destroy();
    }
  }

  /** Skips the test on a machine with no CPU controller; true for cgroup v1. */
  private static boolean assumeCpuController() throws IOException {
    boolean v1 = Files.exists(V1.resolve("cpu.shares"));
    assumeTrue(
        v1
            || (Files.exists(V2.resolve("cgroup.controllers"))
                && Files.readString(V2.resolve("cgroup.controllers")).contains("cpu")),
        "no CPU cgroup controller on this machine");
    return v1;
  }

  /** The group's cpu.shares (v1) or cpu.weight (v2). */
  private static String weight(boolean v1, String group) throws IOException {
    return Files.readString(
            v1 ? V1.resolve(group).resolve("cpu.shares") : V2.resolve(group).resolve("cpu.weight"))
        .strip();
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

  private record Result(int exit, String output) {
    Result succeeds() {
      assertThat(exit).as("engines.sh: %s", output).isZero();
      return this;
    }

    String fails() {
      assertThat(exit).as("engines.sh: %s", output).isNotZero();
      return output;
    }
  }

  /**
   * Runs {@code local/engines.sh ARGS} in this JVM's environment changed by {@code env} ({@link
   * #UNSET}: removed).
   */
  private static Result engines(Map<String, String> env, String... args) throws Exception {
    Path script = Path.of("local", "engines.sh").toAbsolutePath();
    if (!Files.exists(script)) {
      script = Path.of("..", "local", "engines.sh").toAbsolutePath().normalize();
    }
    var command = new ArrayList<String>();
    command.add(script.toString());
    command.addAll(List.of(args));
    var process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    env.forEach(
        (name, value) -> {
          if (value.equals(UNSET)) {
            process.environment().remove(name);
          } else {
            process.environment().put(name, value);
          }
        });
    Process started = process.start();
    String output = new String(started.getInputStream().readAllBytes());
    return new Result(started.waitFor(), output);
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
