package io.a4c.local.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.docker.DockerWorkspaceRuntime;
import io.a4c.local.LocalEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What each of A4C's container settings costs {@code docker start} (issue 16: where a cold create's
 * time goes): for {@code count} rounds, on the first host of {@code A4C_DOCKER_HOSTS}, a container
 * of the image is created with a terminal (as A4C's are) and started, for each variant in turn —
 * none of A4C's settings; its CPU, memory and pids limits; the engine's init; the dropped
 * capabilities, no-new-privileges and restart policy; a new named volume at {@code /home}; a
 * read-only bind mount (the handoff directory); all of them together, as a workspace has; and a
 * first process that starts sshd before it becomes the image's command, as a workspace's does
 * (generating host keys first, more work than a workspace's start, which is handed its keys) — on
 * the workspaces' routed network and, for the first two, on the engine's default bridge. Reports
 * the start call's median and p90 per variant; the first round is a warm-up.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.ContainerStartBenchmark [count]
 * [image]} (default 10, {@code a4c-base:bookworm}).
 */
public final class ContainerStartBenchmark {
  private ContainerStartBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String image = args.length > 1 ? args[1] : SshFirstLoginBenchmark.IMAGE;
    String endpoint =
        System.getenv()
            .getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock")
            .split(",")[0]
            .split("=", 2)[1];
    DockerClient docker = DockerClients.connect(endpoint);
    String routed = SshFirstLoginBenchmark.networkOf(docker);
    Path bindSource = Files.createTempDirectory("a4c-start-bench");
    List<String> variants =
        List.of(
            "bridge: none",
            routed + ": none",
            routed + ": limits",
            routed + ": init",
            routed + ": capabilities",
            routed + ": home volume",
            routed + ": bind mount",
            routed + ": all, as a workspace",
            routed + ": sshd at start");
    Map<String, List<Long>> starts = new LinkedHashMap<>();
    variants.forEach(v -> starts.put(v, new ArrayList<>()));
    for (int round = 0; round <= count; round++) {
      for (String variant : variants) {
        long nanos = startOnce(docker, image, variant, bindSource);
        if (round > 0) {
          starts.get(variant).add(nanos);
        }
      }
    }
    System.out.printf("docker start of %s, %d rounds, alternating:%n", image, count);
    starts.forEach(
        (variant, times) -> {
          long[] sorted = ColdCreateBenchmark.sorted(times);
          System.out.printf(
              "  %-36s median %.0f ms, p90 %.0f ms%n",
              variant,
              SshFirstLoginBenchmark.pct(sorted, 50),
              SshFirstLoginBenchmark.pct(sorted, 90));
        });
  }

  /** The start call's time in nanoseconds, for {@link SshFirstLoginBenchmark#pct}. */
  private static long startOnce(DockerClient docker, String image, String variant, Path bind) {
    String network = variant.substring(0, variant.indexOf(':'));
    String what = variant.substring(variant.indexOf(':') + 2);
    boolean all = what.startsWith("all");
    var host = HostConfig.newHostConfig().withNetworkMode(network);
    if (all || what.equals("limits")) {
      host.withNanoCPUs(500_000_000L).withMemory(128L << 20).withPidsLimit(128L);
    }
    if (all || what.equals("init")) {
      host.withInit(true);
    }
    if (all || what.equals("capabilities")) {
      host.withCapDrop(DockerWorkspaceRuntime.DROPPED.toArray(Capability[]::new))
          .withSecurityOpts(List.of("no-new-privileges"))
          .withRestartPolicy(RestartPolicy.unlessStoppedRestart());
    }
    List<Mount> mounts = new ArrayList<>();
    String volume = null;
    if (all || what.equals("home volume")) {
      volume = "a4c-start-bench-" + UUID.randomUUID();
      docker.createVolumeCmd().withName(volume).exec();
      mounts.add(new Mount().withType(MountType.VOLUME).withSource(volume).withTarget("/home"));
    }
    if (all || what.equals("bind mount")) {
      mounts.add(
          new Mount()
              .withType(MountType.BIND)
              .withSource(bind.toString())
              .withTarget("/run/a4c-handoff")
              .withReadOnly(true));
    }
    if (!mounts.isEmpty()) {
      host.withMounts(mounts);
    }
    var cmd = docker.createContainerCmd(image);
    if (what.equals("sshd at start")) {
      cmd.withEntrypoint(
              "sh",
              "-c",
              "mkdir -p /run/sshd; ssh-keygen -A >/dev/null 2>&1;"
                  + " /usr/sbin/sshd -E /tmp/sshd.log; exec \"$@\"",
              "init")
          .withCmd("bash");
    }
    String id = cmd.withTty(true).withStdinOpen(true).withHostConfig(host).exec().getId();
    try {
      long started = System.nanoTime();
      docker.startContainerCmd(id).exec();
      return System.nanoTime() - started;
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
      if (volume != null) {
        docker.removeVolumeCmd(volume).exec();
      }
    }
  }
}
