package io.a4c.local.bench;

import static io.a4c.local.bench.SshFirstLoginBenchmark.check;
import static io.a4c.local.bench.SshFirstLoginBenchmark.pct;
import static io.a4c.local.bench.SshFirstLoginBenchmark.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Create from the warm pool beside a raw {@code docker run -d} (issue 16): for {@code count} rounds
 * on one host, alternating, (1) once the project's pool has a member running, {@code POST
 * .../workspaces} and poll the API every 20 ms until RUNNING — the POST's own answer time and the
 * time to RUNNING — and (2) {@code docker run -d} of the same image with a terminal on the same
 * network, until the engine gives its address. The first round is a warm-up and not counted; a
 * create that found no member ready (the pool refilling) is reported apart. Median and p90 of each,
 * and the ratio.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.WarmPoolBenchmark [count]
 * [image] [pool size]} (default 10, {@code a4c-base:bookworm}, 2). Runs on the first host of {@code
 * A4C_DOCKER_HOSTS} (default h1, the local engine).
 */
public final class WarmPoolBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WarmPoolBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String image = args.length > 1 ? args[1] : SshFirstLoginBenchmark.IMAGE;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    String hosts =
        System.getenv().getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock");
    String hostId = hosts.split(",")[0].split("=", 2)[0];
    hosts = hosts.split(",")[0];
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-pool-bench").resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts,
                LocalEnv.SWEEP_SECONDS,
                "1"));
    List<Long> posts = new ArrayList<>();
    List<Long> pooled = new ArrayList<>();
    List<Long> unpooled = new ArrayList<>();
    List<Long> raws = new ArrayList<>();
    DockerClient docker = DockerClients.connect(SshFirstLoginBenchmark.endpointOf(hosts, hostId));
    String network = SshFirstLoginBenchmark.networkOf(docker);
    String project = "poolbench-" + Long.toString(System.currentTimeMillis(), 36);
    String pool = project + "#main#amd64";
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String admin = runtime.mintToken("bench-admin", true);
      String user = "pool-bench";
      String token = runtime.mintToken(user, false);
      String base = runtime.baseUri().toString();
      check(
          send(
              http,
              "PUT",
              base + "/v1/projects/" + project,
              admin,
              """
              {"source": {"type": "git", "url": "file:///nonexistent"}, "baseImage": "%s",
               "tools": [], "parents": ["main"], "setup": [],
               "quotas": {"maxWorkspacesPerUser": 100}, "warmPool": {"size": %d}}
              """
                  .formatted(image, size)),
          200);
      check(
          send(
              http,
              "POST",
              base + "/v1/projects/" + project + "/images",
              admin,
              "{\"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"1\", \"imageRef\": \"%s\"}"
                  .formatted(image)),
          201);
      String workspaces = base + "/v1/users/" + user + "/workspaces";
      for (int i = 0; i <= count; i++) {
        Set<String> members = awaitMember(docker, pool);
        Thread.sleep(2500); // its ready report applied: the member is claimable
        long start = System.nanoTime();
        var created =
            send(
                http,
                "POST",
                workspaces,
                token,
                "{\"projectName\": \"%s\", \"parentName\": \"main\", \"arch\": \"amd64\"}"
                    .formatted(project));
        long answered = System.nanoTime() - start;
        check(created, 202);
        String one = workspaces + "/" + JSON.readTree(created.body()).get("workspaceId").asText();
        String containerId = awaitRunning(http, one, token);
        long running = System.nanoTime() - start;
        long raw = ColdCreateBenchmark.rawRun(docker, image, network);
        if (i > 0) { // the first round is a warm-up
          posts.add(answered);
          (members.contains(containerId) ? pooled : unpooled).add(running);
          raws.add(raw);
        }
        check(send(http, "DELETE", one, token, null), 202);
      }
    } finally {
      // The runtime stops before its sweeps would remove the pool's members or finish the last
      // delete: what this run made goes from the engine, home volumes too.
      removeLeftovers(docker, Map.of(ContainerLabels.POOL, pool));
      removeLeftovers(docker, Map.of(ContainerLabels.USER_ID, "pool-bench"));
    }
    long[] post = ColdCreateBenchmark.sorted(posts);
    long[] warm = ColdCreateBenchmark.sorted(pooled);
    long[] raw = ColdCreateBenchmark.sorted(raws);
    System.out.println();
    System.out.printf(
        "POST answered, %d creates of %s on %s: median %.0f ms, p90 %.0f ms%n",
        post.length, image, hostId, pct(post, 50), pct(post, 90));
    System.out.printf(
        "POST to RUNNING from the warm pool, %d: median %.0f ms, p90 %.0f ms%n",
        warm.length, pct(warm, 50), pct(warm, 90));
    if (!unpooled.isEmpty()) {
      long[] cold = ColdCreateBenchmark.sorted(unpooled);
      System.out.printf(
          "POST to RUNNING with no member ready, %d: median %.0f ms%n", cold.length, pct(cold, 50));
    }
    System.out.printf(
        "raw docker run -d + its address, %d: median %.0f ms, p90 %.0f ms%n",
        raw.length, pct(raw, 50), pct(raw, 90));
    System.out.printf(
        "warm pool / raw: median %.2f, p90 %.2f%n",
        pct(warm, 50) / pct(raw, 50), pct(warm, 90) / pct(raw, 90));
  }

  /** Removes the containers with {@code labels} and their home volumes. */
  private static void removeLeftovers(DockerClient docker, Map<String, String> labels) {
    for (Container c :
        docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
      String workspaceId = c.getLabels().get(ContainerLabels.WORKSPACE_ID);
      if (workspaceId != null) {
        try {
          docker.removeVolumeCmd(ContainerLabels.homeVolume(workspaceId)).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
          // none, or the daemon removed it already
        }
      }
    }
  }

  /** Waits until the pool has a running, unclaimed member; returns the members' container ids. */
  private static Set<String> awaitMember(DockerClient docker, String pool) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      var members =
          docker
              .listContainersCmd()
              .withLabelFilter(Map.of("io.a4c.pool", pool, "io.a4c.user-id", "a4c.pool"))
              .exec()
              .stream()
              .filter(c -> "running".equals(c.getState()))
              .collect(Collectors.toMap(Container::getId, c -> c));
      var unclaimed =
          members.keySet().stream().filter(id -> !owned(docker, id)).collect(Collectors.toSet());
      if (!unclaimed.isEmpty()) {
        return unclaimed;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the pool " + pool + " was not filled in 120 s");
  }

  /** Whether a claim wrote the member's owner file. */
  private static boolean owned(DockerClient docker, String containerId) {
    try (var ignored = docker.copyArchiveFromContainerCmd(containerId, "/etc/a4c/owner").exec()) {
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
      // The engine refuses archive reads of a container it is still mounting ("remount …/home"):
      // not known yet, looked at again at the next poll.
      return true;
    }
  }

  /** Polls every 20 ms until RUNNING; returns the container id. */
  private static String awaitRunning(HttpClient http, String uri, String token) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      var view = JSON.readTree(send(http, "GET", uri, token, null).body());
      String state = view.path("state").asText();
      if (state.equals("RUNNING")) {
        return view.path("containerId").asText();
      }
      if (state.equals("FAILED")) {
        throw new IllegalStateException("workspace failed: " + view);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(uri + " did not reach RUNNING in 120 s");
  }
}
