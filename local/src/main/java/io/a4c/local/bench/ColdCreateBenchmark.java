package io.a4c.local.bench;

import static io.a4c.local.bench.SshFirstLoginBenchmark.check;
import static io.a4c.local.bench.SshFirstLoginBenchmark.pct;
import static io.a4c.local.bench.SshFirstLoginBenchmark.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cold create beside a raw {@code docker run -d} (issue 16): for {@code count} rounds on one
 * host, alternating, (1) {@code POST .../workspaces} of a project with no warm pool whose image the
 * host already holds, polled (every 20 ms unless told) until RUNNING — the POST's answer time, the
 * time to RUNNING (when a poll first saw it, and when the record dates it) and when each create
 * step was first seen in the API — then deleted and waited for, and (2) {@code docker run -d} of
 * the same image with a terminal (as A4C's containers have) on the same network, until the engine
 * gives its address, then removed. The first rounds are a warm-up, timed and printed like the
 * others but not counted. Each round is printed as it ends; then the median and p90 of each, their
 * ratio (the issue aims at ≤ 1.3×), and the median and p90 of each round's own ratio (its create
 * against the raw run right after it, under the same moment's load).
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.ColdCreateBenchmark [count]
 * [image] [poll ms] [keys|none] [warm-up rounds]} (default 10, {@code a4c-base:bookworm}: with
 * sshd, so A4C's create waits for it to listen; the raw path starts none; 20 ms between polls: each
 * poll is work for the API and the database on the machine the create runs on, so a longer one
 * weighs less on the create and sees RUNNING later; {@code keys}: the benchmark's user registers an
 * SSH key first, as a developer who logs in has, so each create writes it and reports it held —
 * {@code none}, the default: the user has none; 10 warm-up rounds: the first create of a runtime
 * that has just started takes seconds, and the next few still run code the JVM has not compiled
 * yet, which a long-running runtime has). Runs on the first host of {@code A4C_DOCKER_HOSTS}
 * (default h1, the local engine).
 */
public final class ColdCreateBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A public key made with {@code ssh-keygen -t ed25519}, for the {@code keys} variant. */
  private static final String PUBLIC_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2 bench@laptop";

  private ColdCreateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String image = args.length > 1 ? args[1] : SshFirstLoginBenchmark.IMAGE;
    long pollMillis = args.length > 2 ? Long.parseLong(args[2]) : 20;
    boolean withKey = args.length > 3 && args[3].equals("keys");
    if (args.length > 3 && !withKey && !args[3].equals("none")) {
      throw new IllegalArgumentException("the fourth argument is keys or none, not " + args[3]);
    }
    int warmUps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    if (count < 1 || warmUps < 0) {
      throw new IllegalArgumentException("at least one create, and no negative warm-up");
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    String hosts =
        System.getenv()
            .getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock")
            .split(",")[0];
    String hostId = hosts.split("=", 2)[0];
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-cold-bench").resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts));
    List<Long> posts = new ArrayList<>();
    List<Long> creates = new ArrayList<>();
    List<Long> recorded = new ArrayList<>();
    List<Long> raws = new ArrayList<>();
    Map<String, List<Long>> steps = new LinkedHashMap<>();
    DockerClient docker = DockerClients.connect(SshFirstLoginBenchmark.endpointOf(hosts, hostId));
    String network = SshFirstLoginBenchmark.networkOf(docker);
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String user = "cold-bench";
      var api =
          new Api(
              http, runtime.baseUri().toString(), user, runtime.mintToken(user, false), pollMillis);
      String project = api.project(runtime.mintToken("bench-admin", true), "coldbench", image);
      if (withKey) {
        check(
            send(
                http,
                "PUT",
                api.base() + "/v1/users/" + user + "/ssh-keys/laptop",
                api.token(),
                "{\"publicKey\": \"" + PUBLIC_KEY + "\"}"),
            201);
      }
      for (int i = 1 - warmUps; i <= count; i++) {
        var created = api.create(project);
        long raw = rawRun(docker, image, network);
        System.out.printf(
            "%s %d: POST to RUNNING as dated %d ms, seen %d ms; raw %d ms%n",
            i > 0 ? "round" : "warm-up",
            i > 0 ? i : i + warmUps,
            created.recordedNanos() / 1_000_000,
            created.runningNanos() / 1_000_000,
            raw / 1_000_000);
        if (i > 0) {
          posts.add(created.answeredNanos());
          creates.add(created.runningNanos());
          recorded.add(created.recordedNanos());
          created
              .stepsNanos()
              .forEach((step, at) -> steps.computeIfAbsent(step, s -> new ArrayList<>()).add(at));
          raws.add(raw);
        }
        api.delete(created.uri());
      }
    }
    long[] post = sorted(posts);
    long[] cold = sorted(creates);
    long[] dated = sorted(recorded);
    long[] raw = sorted(raws);
    System.out.println();
    System.out.printf(
        "POST answered, %d creates of %s on %s after %d warm-up rounds: median %.0f ms, p90 %.0f"
            + " ms%n",
        post.length, image, hostId, warmUps, pct(post, 50), pct(post, 90));
    System.out.printf(
        "POST to RUNNING, cold (image on the host, no pool), %d: median %.0f ms, p90 %.0f ms%n",
        cold.length, pct(cold, 50), pct(cold, 90));
    System.out.printf(
        "POST to RUNNING as the record dates it (its updatedAt), %d: median %.0f ms, p90 %.0f ms%n",
        dated.length, pct(dated, 50), pct(dated, 90));
    steps.forEach(
        (step, at) ->
            System.out.printf(
                "  %-20s first seen (median of %d): %.0f ms%n",
                step, at.size(), pct(sorted(at), 50)));
    System.out.printf(
        "raw docker run -d + its address, %d: median %.0f ms, p90 %.0f ms%n",
        raw.length, pct(raw, 50), pct(raw, 90));
    System.out.printf(
        "cold create / raw: median %.2f, p90 %.2f%n",
        pct(cold, 50) / pct(raw, 50), pct(cold, 90) / pct(raw, 90));
    System.out.printf(
        "cold create as the record dates it / raw: median %.2f, p90 %.2f%n",
        pct(dated, 50) / pct(raw, 50), pct(dated, 90) / pct(raw, 90));
    // Each round's create and raw run follow each other within a second, under the same load;
    // the ratio of each pair is less moved by load that changes over the run than the medians'.
    double[] paired = new double[recorded.size()];
    for (int i = 0; i < paired.length; i++) {
      paired[i] = (double) recorded.get(i) / raws.get(i);
    }
    Arrays.sort(paired);
    System.out.printf(
        "each round's create as dated / its raw run: median %.2f, p90 %.2f%n",
        paired[(paired.length - 1) / 2], paired[(int) Math.ceil(paired.length * 0.9) - 1]);
  }

  /** The values sorted, for {@link SshFirstLoginBenchmark#pct}. */
  static long[] sorted(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /**
   * One create as the API saw it: the POST's answer time, the time to RUNNING (first seen by a
   * poll, and as the record dates its move to RUNNING, its {@code updatedAt}: the host-events
   * consumer's clock when it wrote it, the same machine's clock as this one), and the time each
   * step (state/step) was first seen by the polls, all from the POST's sending. The record's date
   * needs no poll to see it, so it holds neither the polls' interval nor their load.
   */
  record Created(
      String uri,
      long answeredNanos,
      long runningNanos,
      long recordedNanos,
      Map<String, Long> stepsNanos) {}

  /**
   * A user's calls to the local runtime's API that these benchmarks make (as {@code user}), polling
   * a create every {@code pollMillis}.
   */
  record Api(HttpClient http, String base, String user, String token, long pollMillis) {
    /**
     * Puts a project of {@code image} with no tools, setup or warm pool and registers the image as
     * its {@code main} image for amd64; returns its name.
     */
    String project(String admin, String prefix, String image) throws Exception {
      String name = prefix + "-" + Long.toString(System.nanoTime(), 36);
      check(
          send(
              http,
              "PUT",
              base + "/v1/projects/" + name,
              admin,
              """
              {"source": {"type": "git", "url": "file:///nonexistent"}, "baseImage": "%s",
               "tools": [], "parents": ["main"], "setup": [],
               "quotas": {"maxWorkspacesPerUser": 100}}
              """
                  .formatted(image)),
          200);
      check(
          send(
              http,
              "POST",
              base + "/v1/projects/" + name + "/images",
              admin,
              "{\"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"1\", \"imageRef\": \"%s\"}"
                  .formatted(image)),
          201);
      return name;
    }

    /** Creates a workspace of the project's main image and polls it until RUNNING. */
    Created create(String project) throws Exception {
      String workspaces = base + "/v1/users/" + user + "/workspaces";
      long start = System.nanoTime();
      Instant sent = Instant.now();
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
      String uri = workspaces + "/" + JSON.readTree(created.body()).get("workspaceId").asText();
      Map<String, Long> seen = new LinkedHashMap<>();
      long deadline = start + 300_000_000_000L;
      while (System.nanoTime() < deadline) {
        var view = JSON.readTree(send(http, "GET", uri, token, null).body());
        long at = System.nanoTime() - start;
        String state = view.path("state").asText();
        seen.putIfAbsent(state + "/" + view.path("step").asText(), at);
        if (state.equals("RUNNING")) {
          long recorded =
              Duration.between(sent, Instant.parse(view.path("updatedAt").asText())).toNanos();
          return new Created(uri, answered, at, recorded, seen);
        }
        if (state.equals("FAILED")) {
          throw new IllegalStateException("workspace failed: " + view);
        }
        Thread.sleep(pollMillis);
      }
      throw new IllegalStateException(uri + " did not reach RUNNING in 300 s");
    }

    /** Deletes the workspace and waits until it is gone, so its removal weighs on no timing. */
    void delete(String uri) throws Exception {
      check(send(http, "DELETE", uri, token, null), 202);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (System.nanoTime() < deadline) {
        var response = send(http, "GET", uri, token, null);
        if (response.statusCode() == 404
            || JSON.readTree(response.body()).path("state").asText().equals("DELETED")) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException(uri + " was not deleted in 120 s");
    }
  }

  /** {@code docker run -dit} of the image on the network until its address; then removes it. */
  static long rawRun(DockerClient docker, String image, String network) {
    long start = System.nanoTime();
    String container =
        docker
            .createContainerCmd(image)
            .withTty(true)
            .withStdinOpen(true)
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network))
            .exec()
            .getId();
    try {
      docker.startContainerCmd(container).exec();
      var networks =
          docker.inspectContainerCmd(container).exec().getNetworkSettings().getNetworks();
      if (networks.values().iterator().next().getIpAddress().isEmpty()) {
        throw new IllegalStateException("no address");
      }
      return System.nanoTime() - start;
    } finally {
      docker.removeContainerCmd(container).withForce(true).exec();
    }
  }
}
