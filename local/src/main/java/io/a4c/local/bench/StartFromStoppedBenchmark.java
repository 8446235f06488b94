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

/**
 * Start from stopped beside create from scratch (issue 13): the time from the request ({@code POST
 * .../start}, {@code POST .../workspaces}) to RUNNING in the API, polled every 20 ms, for {@code
 * count} workspaces of the same image in the same run, alternating: create one (timed), stop it,
 * start it (timed), delete it. The first round is a warm-up and not counted. Reports median and p90
 * of both and their ratio.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.StartFromStoppedBenchmark
 * [count] [image] [setup command]} (default 10, {@code a4c-base:bookworm}: with sshd, so both wait
 * for it; no setup step). Needs the engines ({@code local/engines.sh up 3}) and, for the default
 * image, {@code local/engines.sh debian-base}.
 */
public final class StartFromStoppedBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StartFromStoppedBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String image = args.length > 1 ? args[1] : SshFirstLoginBenchmark.IMAGE;
    // One setup step, run by a create and not by a start (say a stand-in for a source sync).
    String setup = args.length > 2 ? JSON.writeValueAsString(List.of(args[2])) : "[]";
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
                Files.createTempDirectory("a4c-start-bench").resolve("data").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts));
    List<Long> creates = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    List<String> placed = new ArrayList<>();
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String admin = runtime.mintToken("bench-admin", true);
      String user = "start-bench";
      String token = runtime.mintToken(user, false);
      String project = "startbench-" + Long.toString(System.currentTimeMillis(), 36);
      URI base = runtime.baseUri();
      check(
          send(
              http,
              "PUT",
              base + "/v1/projects/" + project,
              admin,
              """
              {"source": {"type": "git", "url": "file:///nonexistent"}, "baseImage": "%s",
               "tools": [], "parents": ["main"], "setup": %s,
               "quotas": {"maxWorkspacesPerUser": 100}}
              """
                  .formatted(image, setup)),
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
        long start = System.nanoTime();
        var created =
            send(
                http,
                "POST",
                workspaces,
                token,
                "{\"projectName\": \"%s\", \"parentName\": \"main\", \"arch\": \"amd64\"}"
                    .formatted(project));
        check(created, 202);
        String id = JSON.readTree(created.body()).get("workspaceId").asText();
        String one = workspaces + "/" + id;
        String host = await(http, one, token, "RUNNING");
        long create = System.nanoTime() - start;
        check(send(http, "POST", one + "/stop", token, null), 202);
        await(http, one, token, "STOPPED");
        start = System.nanoTime();
        check(send(http, "POST", one + "/start", token, null), 202);
        await(http, one, token, "RUNNING");
        long started = System.nanoTime() - start;
        if (i > 0) { // the first round is a warm-up
          creates.add(create);
          starts.add(started);
          placed.add(host);
        }
        check(send(http, "DELETE", one, token, null), 202);
      }
    }
    long[] c = creates.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] s = starts.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.println();
    System.out.printf(
        "create to RUNNING, %d workspaces of %s (setup %s) on %s: median %.0f ms, p90 %.0f ms%n",
        c.length, image, setup, placed.stream().distinct().toList(), pct(c, 50), pct(c, 90));
    System.out.printf(
        "start from STOPPED to RUNNING, the same workspaces: median %.0f ms, p90 %.0f ms%n",
        pct(s, 50), pct(s, 90));
    System.out.printf(
        "start / create: median %.2f, p90 %.2f%n",
        pct(s, 50) / pct(c, 50), pct(s, 90) / pct(c, 90));
  }

  /** Polls the workspace every 20 ms until it is {@code state}; returns its host. */
  private static String await(HttpClient http, String uri, String token, String state)
      throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      var view = JSON.readTree(send(http, "GET", uri, token, null).body());
      String now = view.path("state").asText();
      if (now.equals(state)) {
        return view.path("hostId").asText();
      }
      if (now.equals("FAILED")) {
        throw new IllegalStateException("workspace failed: " + view);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(uri + " did not reach " + state + " in 120 s");
  }
}
