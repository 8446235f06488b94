package io.a4c.local.bench;

import static io.a4c.local.bench.SshFirstLoginBenchmark.check;
import static io.a4c.local.bench.SshFirstLoginBenchmark.pct;
import static io.a4c.local.bench.SshFirstLoginBenchmark.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A burst of concurrent creates (issue 16): {@code count} users each ask for a workspace at the
 * same moment; reports how many each host took and the time from each request to RUNNING in the API
 * (polled every 100 ms), p50 and p99, and the API's answer to the {@code POST}. Then deletes them.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.CreateBurstBenchmark [count]
 * [image]} (default 50, {@code a4c-base:busybox}, which every engine holds). Needs the engines
 * ({@code local/engines.sh up 3}) and {@code A4C_DOCKER_HOSTS} naming them.
 */
public final class CreateBurstBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CreateBurstBenchmark() {}

  /** One create: where it went, how long the POST and the way to RUNNING took. */
  private record Created(String hostId, String workspaceId, String user, long postNs, long runNs) {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    String image = args.length > 1 ? args[1] : "a4c-base:busybox";
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
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-burst-bench").resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts));
    List<Created> results = new ArrayList<>();
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String admin = runtime.mintToken("bench-admin", true);
      String project = "burstbench-" + Long.toString(System.currentTimeMillis(), 36);
      URI base = runtime.baseUri();
      check(
          send(
              http,
              "PUT",
              base + "/v1/projects/" + project,
              admin,
              """
              {"source": {"type": "git", "url": "file:///nonexistent"}, "baseImage": "%s",
               "tools": [], "parents": ["main"], "setup": [],
               "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128}}
              """
                  .formatted(image)),
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
      // Every host live and listing the image before the burst.
      Thread.sleep(config.timings().heartbeat().toMillis() * 2);
      List<String> users = new ArrayList<>();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        users.add("burst-" + i);
        tokens.add(runtime.mintToken(users.get(i), false));
      }
      var go = new CountDownLatch(1);
      List<Future<Created>> futures = new ArrayList<>();
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < count; i++) {
          String user = users.get(i);
          String token = tokens.get(i);
          futures.add(
              pool.submit(
                  () -> {
                    go.await();
                    String workspaces = base + "/v1/users/" + user + "/workspaces";
                    long start = System.nanoTime();
                    var created =
                        send(
                            http,
                            "POST",
                            workspaces,
                            token,
                            "{\"projectName\": \"%s\", \"parentName\": \"main\", \"arch\": \"amd64\"}"
                                .formatted(project));
                    long post = System.nanoTime() - start;
                    check(created, 202);
                    var view = JSON.readTree(created.body());
                    String id = view.get("workspaceId").asText();
                    awaitRunning(http, workspaces + "/" + id, token);
                    return new Created(
                        view.get("hostId").asText(), id, user, post, System.nanoTime() - start);
                  }));
        }
        go.countDown();
        for (var future : futures) {
          results.add(future.get());
        }
      }
      for (int i = 0; i < count; i++) {
        var made = results.get(i);
        check(
            send(
                http,
                "DELETE",
                base + "/v1/users/" + made.user() + "/workspaces/" + made.workspaceId(),
                tokens.get(users.indexOf(made.user())),
                null),
            202);
      }
    }
    Map<String, Integer> perHost = new TreeMap<>();
    results.forEach(r -> perHost.merge(r.hostId(), 1, Integer::sum));
    long[] posts = results.stream().mapToLong(Created::postNs).sorted().toArray();
    long[] runs = results.stream().mapToLong(Created::runNs).sorted().toArray();
    System.out.println();
    System.out.printf(
        "%d concurrent creates of %s: workspaces per host %s%n", count, image, perHost);
    System.out.printf(
        "POST answered: p50 %.0f ms, p99 %.0f ms; request to RUNNING: p50 %.0f ms, p99 %.0f ms,"
            + " max %.0f ms%n",
        pct(posts, 50), pct(posts, 99), pct(runs, 50), pct(runs, 99), runs[runs.length - 1] / 1e6);
  }

  /** Polls the workspace every 100 ms until it is RUNNING. */
  private static void awaitRunning(HttpClient http, String uri, String token) throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      var view = JSON.readTree(send(http, "GET", uri, token, null).body());
      String now = view.path("state").asText();
      if (now.equals("RUNNING")) {
        return;
      }
      if (now.equals("FAILED")) {
        throw new IllegalStateException("workspace failed: " + view);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(uri + " did not reach RUNNING in 300 s");
  }
}
