package io.a4c.local.bench;

import static io.a4c.local.bench.ColdCreateBenchmark.sorted;
import static io.a4c.local.bench.SshFirstLoginBenchmark.check;
import static io.a4c.local.bench.SshFirstLoginBenchmark.pct;
import static io.a4c.local.bench.SshFirstLoginBenchmark.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A create whose image must first be pulled from the registry beside one whose image prefetch put
 * on the host (issue 16). For {@code count} rounds: a build of the project (prefetch to every host,
 * {@code "prefetch": {"hosts": N}}) is scheduled through the API and awaited COMPLETED; the time
 * until every engine holds its image is the prefetch's; then (1) a workspace of it is created and
 * polled every 20 ms until RUNNING — the image is on its host before anyone asked — and deleted,
 * and (2) the image is removed from every engine (its base layers stay, as on a host that ran
 * earlier images of the project) and a workspace is created again, so its host pulls the image
 * before the container is made: the path every create took before prefetch on a host that had not
 * built the image. The project's source holds a file of random bytes that every build copies into
 * its image, so the image has a layer of that size beyond its base image's (which every host
 * holds). The first round is a warm-up and not counted. Median and p90 of each, and the ratio.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.PrefetchBenchmark [count] [base
 * image] [MiB]} (default 6, {@code a4c-base:busybox}, 64). Needs the engines and the registry
 * ({@code local/engines.sh up 3}) and the local SES endpoint ({@code local/engines.sh install}).
 */
public final class PrefetchBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PrefetchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    String base = args.length > 1 ? args[1] : "a4c-base:busybox";
    int payloadMib = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    String hosts =
        System.getenv().getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock");
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DNS_PORT,
                "0",
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-prefetch-bench").resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts,
                LocalEnv.HEARTBEAT_SECONDS,
                "2"));
    Map<String, DockerClient> engines = new LinkedHashMap<>();
    config
        .dockerHosts()
        .forEach((id, endpoint) -> engines.put(id, DockerClients.connect(endpoint)));
    Path repo = BuildBurstBenchmark.gitRepoWithTags(count + 1, payloadMib * 1024 * 1024);
    List<Long> spreads = new ArrayList<>();
    List<Long> prefetched = new ArrayList<>();
    List<Long> pulled = new ArrayList<>();
    List<String> placed = new ArrayList<>();
    List<String> images = new ArrayList<>();
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String user = "prefetch-bench";
      String token = runtime.mintToken(user, false);
      var api = new ColdCreateBenchmark.Api(http, runtime.baseUri().toString(), user, token, 20);
      String project = "prefetchbench-" + Long.toString(System.currentTimeMillis(), 36);
      check(
          send(
              http,
              "PUT",
              runtime.baseUri() + "/v1/projects/" + project,
              runtime.mintToken("bench-admin", true),
              """
              {"source": {"type": "git", "url": "file://%s"}, "baseImage": "%s", "tools": [],
               "parents": ["main"], "setup": [], "prefetch": {"hosts": %d},
               "quotas": {"maxWorkspacesPerUser": 100, "maxBuildsInFlightPerUser": 100}}
              """
                  .formatted(repo, base, engines.size())),
          200);
      for (int i = 0; i <= count; i++) {
        String imageRef = build(http, runtime.baseUri() + "/v1/users/" + user, token, project, i);
        images.add(imageRef);
        long completed = System.nanoTime();
        awaitEverywhere(engines, imageRef);
        long spread = System.nanoTime() - completed;

        var warm = api.create(project);
        api.delete(warm.uri());

        for (DockerClient docker : engines.values()) {
          try {
            docker.removeImageCmd(imageRef).exec();
          } catch (NotFoundException e) {
            // not there
          }
        }
        var cold = api.create(project);
        String host =
            JSON.readTree(send(http, "GET", cold.uri(), token, null).body())
                .path("hostId")
                .asText();
        api.delete(cold.uri());
        if (i > 0) { // the first round is a warm-up
          spreads.add(spread);
          prefetched.add(warm.runningNanos());
          pulled.add(cold.runningNanos());
          placed.add(host);
        }
      }
    } finally {
      for (DockerClient docker : engines.values()) {
        for (String imageRef : images) {
          try {
            docker.removeImageCmd(imageRef).exec();
          } catch (RuntimeException e) {
            // not there
          }
        }
      }
    }
    long[] spread = sorted(spreads);
    long[] warm = sorted(prefetched);
    long[] cold = sorted(pulled);
    System.out.println();
    System.out.printf(
        "build COMPLETED to its image on all %d hosts (prefetch), %d builds of %s + %d MiB: median %.0f ms, p90 %.0f ms%n",
        engines.size(), spread.length, base, payloadMib, pct(spread, 50), pct(spread, 90));
    System.out.printf(
        "POST to RUNNING, image prefetched: median %.0f ms, p90 %.0f ms%n",
        pct(warm, 50), pct(warm, 90));
    System.out.printf(
        "POST to RUNNING, image pulled by the create (placed on %s): median %.0f ms, p90 %.0f ms%n",
        placed, pct(cold, 50), pct(cold, 90));
    System.out.printf(
        "pulled / prefetched: median %.2f, p90 %.2f%n",
        pct(cold, 50) / pct(warm, 50), pct(cold, 90) / pct(warm, 90));
  }

  /** Schedules a build of the project at the {@code i}th tag and waits for it; its image. */
  private static String build(HttpClient http, String userUri, String token, String project, int i)
      throws Exception {
    var reply =
        send(
            http,
            "POST",
            userUri + "/image-schedules",
            token,
            "{\"imageName\": \"prefetch\", \"project\": \"%s\", \"change\": \"%s\"}"
                .formatted(project, BuildBurstBenchmark.tag(i)));
    check(reply, 202);
    String uri =
        userUri + "/image-schedules/" + JSON.readTree(reply.body()).get("scheduleId").asText();
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode schedule = JSON.readTree(send(http, "GET", uri, token, null).body());
      String status = schedule.path("status").asText();
      if (status.equals("COMPLETED")) {
        return schedule.path("imageRef").asText();
      }
      if (status.equals("FAILED") || status.equals("CANCELLED")) {
        throw new IllegalStateException("build ended " + status + ": " + schedule);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(uri + " did not complete in 300 s");
  }

  /** Waits until every engine holds the image. */
  private static void awaitEverywhere(Map<String, DockerClient> engines, String imageRef)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    for (var engine : engines.entrySet()) {
      while (true) {
        try {
          engine.getValue().inspectImageCmd(imageRef).exec();
          break;
        } catch (NotFoundException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                imageRef + " not prefetched to " + engine.getKey() + " in 120 s", e);
          }
          Thread.sleep(20);
        }
      }
    }
  }
}
