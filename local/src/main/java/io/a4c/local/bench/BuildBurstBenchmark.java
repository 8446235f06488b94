package io.a4c.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.builds.BuildWorker;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.registry.ImageRepository;
import io.a4c.events.Arch;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Image builds under heavy load: {@code builds} builds scheduled in a burst through the API by
 * {@code clients} concurrent clients, drained by one builder per Docker engine (three with {@code
 * A4C_DOCKER_HOSTS} of ./a4c test) through the real queue, claim function, registry and SES
 * endpoint. The build is trivial (busybox, a one-file git checkout at a tag per build copied into
 * the image), so the figures are the machinery's: API latency while the burst lands, drain time,
 * builds per second, and the duplicates (builds run more than once) and lost builds (not
 * COMPLETED), both of which must be 0. The API's POST is also timed one at a time, in the same run,
 * with no build running (before the burst, after 50 not counted) and beside the builds (while they
 * drain the queue), and the two printed side by side; the benchmark's own watching (a heartbeat
 * sampler, a status poll of every user's schedules each second) runs in both, so only the builds
 * differ. Removes the tags it made from the engines afterwards.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.BuildBurstBenchmark [builds]
 * [clients] [concurrency] [pause]} (defaults 1000, 16, 2, 0): {@code pause} is the milliseconds the
 * timed POSTs wait between one and the next, in the baseline and beside the builds alike (0: back
 * to back, which makes the probe a load of its own that the builds wait for). Needs the engines and
 * the registry ({@code local/engines.sh up 3}) and the local SES endpoint ({@code local/engines.sh
 * install}).
 */
public final class BuildBurstBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int USERS = 20;

  /** Unloaded POSTs made, and not counted, before the baseline's. */
  private static final int BASELINE_WARM_UP = 50;

  /** The baseline's POSTs: unloaded, one at a time. */
  private static final int BASELINE_POSTS = 200;

  private BuildBurstBenchmark() {}

  public static void main(String[] args) throws Exception {
    int builds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    String concurrency = args.length > 2 ? args[2] : "2";
    long probePauseMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-bench.xml");
    }
    String hosts =
        System.getenv().getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock");
    var env =
        new HashMap<>(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DNS_PORT,
                "0",
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-bench").toString(),
                LocalEnv.DOCKER_HOSTS,
                hosts,
                LocalEnv.HEARTBEAT_SECONDS,
                "2",
                LocalEnv.BUILD_CONCURRENCY,
                concurrency,
                LocalEnv.IMAGE_REPOSITORY,
                System.getenv()
                    .getOrDefault(
                        LocalEnv.IMAGE_REPOSITORY, LocalConfig.DEFAULT_IMAGE_REPOSITORY)));
    // The builds' CPU weight, memory ceiling and git's niceness, to compare with and without them.
    for (String limit :
        List.of(DaemonEnv.BUILD_CPU_SHARES, DaemonEnv.BUILD_MEMORY_MB, DaemonEnv.BUILD_NICE)) {
      if (System.getenv(limit) != null) {
        env.put(limit, System.getenv(limit));
      }
    }
    var config = LocalConfig.fromEnvironment(env);
    Path repo = gitRepoWithTags(builds);
    String project = "burst-" + Long.toString(System.currentTimeMillis(), 36);
    try (var runtime = LocalRuntime.start(config)) {
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String admin = runtime.mintToken("bench-admin", true);
      var put =
          send(
              http,
              "PUT",
              runtime.baseUri() + "/v1/projects/" + project,
              admin,
              """
              {"source": {"type": "git", "url": "file://%s"}, "baseImage": "a4c-base:busybox", "tools": [],
               "parents": ["main"], "setup": [], "quotas": {"maxBuildsInFlightPerUser": 1000}}
              """
                  .formatted(repo));
      check(put, 200);
      Map<String, String> tokens = new HashMap<>();
      for (int u = 0; u < USERS; u++) {
        tokens.put("bench-" + u, runtime.mintToken("bench-" + u, false));
      }
      for (int i = 0; i < 20; i++) { // warm the API path (not counted)
        check(
            send(
                http,
                "GET",
                runtime.baseUri() + "/v1/users/bench-0/image-schedules",
                tokens.get("bench-0"),
                null),
            200);
      }

      // Baseline: the same POSTs with no build running (builders paused), then cancelled. This also
      // warms the path, so the burst's figures are not the JIT's. What watches the burst — the
      // heartbeat sampler and the status poll of every user's schedules each second — watches the
      // baseline too, so that the builds are the only difference between the two.
      for (BuildWorker builder : runtime.builders()) {
        builder.pause();
      }
      var baselineBeats = new HeartbeatGaps(http, runtime.baseUri() + "/v1/hosts", admin);
      Thread.ofPlatform().daemon().name("heartbeat-gaps-baseline").start(baselineBeats);
      var polling = new java.util.concurrent.atomic.AtomicBoolean(true);
      var statusPoll =
          Thread.ofPlatform()
              .daemon()
              .name("status-poll-baseline")
              .start(
                  () -> {
                    while (polling.get()) {
                      try {
                        statusCounts(http, runtime, tokens);
                        Thread.sleep(1000);
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        // as in the drain's poll: a failed read is a poll lost
                      }
                    }
                  });
      // The first POSTs of a fresh runtime are the JIT's and its caches': not counted, so the
      // baseline is a warm runtime's, as the POSTs beside the builds are.
      for (int i = 0; i < BASELINE_WARM_UP; i++) {
        warmPost(http, runtime.baseUri(), project, tokens, i);
      }
      long[] baseline = new long[BASELINE_POSTS];
      for (int i = 0; i < baseline.length; i++) {
        baseline[i] = warmPost(http, runtime.baseUri(), project, tokens, BASELINE_WARM_UP + i);
        Thread.sleep(probePauseMs);
      }
      Arrays.sort(baseline);
      polling.set(false);
      statusPoll.join();
      baselineBeats.stop();
      runtime.builders().forEach(BuildWorker::resume);
      System.out.printf(
          "baseline: %d POSTs one at a time (%d ms between) with no build running: p50 %.1f ms, p99"
              + " %.1f ms (then cancelled); longest gap between two beats' send times meanwhile %s%n",
          baseline.length,
          probePauseMs,
          pct(baseline, 50),
          pct(baseline, 99),
          baselineBeats.longestGapMs());

      System.out.printf(
          "scheduling %d builds with %d clients; %d builders x %s slots%n",
          builds, clients, runtime.builders().size(), concurrency);
      var latencies = new ConcurrentLinkedQueue<Long>();
      var failures = new AtomicInteger();
      var next = new AtomicInteger();
      long burstStart = System.nanoTime();
      var beats = new HeartbeatGaps(http, runtime.baseUri() + "/v1/hosts", admin);
      Thread.ofPlatform().daemon().name("heartbeat-gaps").start(beats);
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < clients; c++) {
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < builds; i = next.getAndIncrement()) {
                  String user = "bench-" + (i % USERS);
                  String body =
                      "{\"imageName\": \"burst\", \"project\": \"%s\", \"change\": \"%s\"}"
                          .formatted(project, tag(i));
                  long start = System.nanoTime();
                  try {
                    var reply =
                        send(
                            http,
                            "POST",
                            runtime.baseUri() + "/v1/users/" + user + "/image-schedules",
                            tokens.get(user),
                            body);
                    latencies.add(System.nanoTime() - start);
                    if (reply.statusCode() != 202) {
                      failures.incrementAndGet();
                      System.err.println("POST " + reply.statusCode() + " " + reply.body());
                    }
                  } catch (Exception e) {
                    failures.incrementAndGet();
                  }
                }
                return null;
              });
        }
      }
      long burstNanos = System.nanoTime() - burstStart;

      // Beside the builds: the baseline's POST, one at a time, while the builders drain the queue.
      var beside = new ConcurrentLinkedQueue<Long>();
      var probeFailures = new AtomicInteger();
      var probing = new java.util.concurrent.atomic.AtomicBoolean(true);
      var probe =
          Thread.ofPlatform()
              .daemon()
              .name("post-probe")
              .start(
                  () -> {
                    for (int i = 0; probing.get(); i++) {
                      try {
                        beside.add(warmPost(http, runtime.baseUri(), project, tokens, i));
                      } catch (Exception e) {
                        probeFailures.incrementAndGet();
                      }
                      try {
                        Thread.sleep(probePauseMs);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });

      // Drain: every schedule ends, or 30 minutes pass.
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      Map<String, Integer> status = Map.of();
      while (System.nanoTime() < deadline) {
        status = statusCounts(http, runtime, tokens);
        int ended = status.getOrDefault("COMPLETED", 0) + status.getOrDefault("FAILED", 0);
        if (ended >= builds - failures.get()) {
          break;
        }
        Thread.sleep(1000);
      }
      long drainNanos = System.nanoTime() - burstStart;
      probing.set(false);
      probe.join();
      beats.stop();
      var endStats = endStats(http, runtime, tokens);
      int run = runtime.builders().stream().mapToInt(BuildWorker::buildsRun).sum();
      int refused = runtime.builders().stream().mapToInt(BuildWorker::claimsRefused).sum();
      int emails = emailCount(http, runtime.sesEndpoint());
      int completed = status.getOrDefault("COMPLETED", 0);

      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.println();
      System.out.println(
          "| builds | clients | builders x slots | POST p50 ms | POST p99 ms | POST max ms | burst s | drain s | builds/s | completed | duplicates | lost | emails | retried |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
      System.out.printf(
          "| %d | %d | %d x %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %d | %d | %d | %d | %d |%n",
          builds,
          clients,
          runtime.builders().size(),
          concurrency,
          pct(sorted, 50),
          pct(sorted, 99),
          pct(sorted, 100),
          burstNanos / 1e9,
          (endStats.lastEndMillis() - endStats.firstScheduledMillis()) / 1e3,
          completed / ((endStats.lastEndMillis() - endStats.firstScheduledMillis()) / 1e3),
          completed,
          // A duplicate is a build run to its end more than once: more builder reports than builds.
          Math.max(0, run - (builds - failures.get())),
          builds - completed,
          emails,
          endStats.retaken());
      long[] loaded = beside.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.println();
      System.out.println(
          "| the same POST, one at a time | n | p50 ms | p99 ms | max ms | p50 / unloaded | p99 / unloaded |");
      System.out.println("|---|---|---|---|---|---|---|");
      System.out.printf(
          "| no build running (builders paused) | %d | %.1f | %.1f | %.1f | 1.00 | 1.00 |%n",
          baseline.length, pct(baseline, 50), pct(baseline, 99), pct(baseline, 100));
      System.out.printf(
          "| beside the builds (%d builders x %s slots draining the queue) | %d | %.1f | %.1f | %.1f | %.2f | %.2f |%n",
          runtime.builders().size(),
          concurrency,
          loaded.length,
          pct(loaded, 50),
          pct(loaded, 99),
          pct(loaded, 100),
          pct(loaded, 50) / pct(baseline, 50),
          pct(loaded, 99) / pct(baseline, 99));
      System.out.printf("POSTs beside the builds that failed %d%n", probeFailures.get());
      System.out.printf(
          "statuses %s; POST failures %d; builds run to a report by builders %d; claims refused %d;"
              + " schedules taken more than once (retried after a transient failure or a dead builder) %d; wall drain %.1f s%n",
          status, failures.get(), run, refused, endStats.retaken(), drainNanos / 1e9);
      System.out.printf(
          "heartbeats during the burst and drain (every 2 s; build cpu shares %s, memory %s MiB,"
              + " git nice %s): longest gap between two beats' send times %s; oldest beat seen"
              + " applied %s%n",
          env.getOrDefault(DaemonEnv.BUILD_CPU_SHARES, "default"),
          env.getOrDefault(DaemonEnv.BUILD_MEMORY_MB, "default"),
          env.getOrDefault(DaemonEnv.BUILD_NICE, "default"),
          beats.longestGapMs(),
          beats.oldestSeenMs());
    } finally {
      untag(hosts, config.builds().repository(), project, builds);
    }
  }

  private record EndStats(long firstScheduledMillis, long lastEndMillis, int retaken) {}

  /**
   * Samples {@code GET /v1/hosts} every 250 ms: per host, the longest gap between the send times of
   * two successive beats seen (the daemon's side: is its beat late?) and the oldest beat seen
   * applied (the host-events consumer's side too).
   */
  private static final class HeartbeatGaps implements Runnable {
    private final HttpClient http;
    private final String uri;
    private final String admin;
    private final Map<String, Long> lastSent = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> longestGap = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, Long> oldestSeen = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean running = true;

    HeartbeatGaps(HttpClient http, String uri, String admin) {
      this.http = http;
      this.uri = uri;
      this.admin = admin;
    }

    @Override
    public void run() {
      while (running) {
        try {
          for (JsonNode host :
              JSON.readTree(send(http, "GET", uri, admin, null).body()).get("items")) {
            String id = host.get("hostId").asText();
            long sent =
                java.time.Instant.parse(host.get("lastHeartbeatAt").asText()).toEpochMilli();
            Long before = lastSent.put(id, sent);
            if (before != null && sent > before) {
              longestGap.merge(id, sent - before, Math::max);
            }
            oldestSeen.merge(id, System.currentTimeMillis() - sent, Math::max);
          }
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // a slow or failed read is a sample lost, not the benchmark's end
        }
      }
    }

    void stop() {
      running = false;
    }

    Map<String, Long> longestGapMs() {
      return longestGap;
    }

    Map<String, Long> oldestSeenMs() {
      return oldestSeen;
    }
  }

  private static Map<String, Integer> statusCounts(
      HttpClient http, LocalRuntime runtime, Map<String, String> tokens) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    forEachSchedule(
        http,
        runtime,
        tokens,
        s -> {
          if (!s.path("imageName").asText().equals("warm")) {
            counts.merge(s.path("status").asText(), 1, Integer::sum);
          }
        });
    return counts;
  }

  private static EndStats endStats(
      HttpClient http, LocalRuntime runtime, Map<String, String> tokens) throws Exception {
    long[] first = {Long.MAX_VALUE};
    long[] last = {0};
    int[] retaken = {0};
    forEachSchedule(
        http,
        runtime,
        tokens,
        s -> {
          if (s.path("imageName").asText().equals("warm")) {
            return;
          }
          first[0] =
              Math.min(
                  first[0], java.time.Instant.parse(s.path("scheduledAt").asText()).toEpochMilli());
          if (s.hasNonNull("endedAt")) {
            last[0] =
                Math.max(
                    last[0], java.time.Instant.parse(s.path("endedAt").asText()).toEpochMilli());
          }
          if (s.path("attempts").asInt() > 1) {
            retaken[0]++;
          }
        });
    return new EndStats(first[0], last[0], retaken[0]);
  }

  private static void forEachSchedule(
      HttpClient http,
      LocalRuntime runtime,
      Map<String, String> tokens,
      java.util.function.Consumer<JsonNode> each)
      throws Exception {
    for (var user : tokens.entrySet()) {
      String token = null;
      do {
        var reply =
            send(
                http,
                "GET",
                runtime.baseUri()
                    + "/v1/users/"
                    + user.getKey()
                    + "/image-schedules?limit=100"
                    + (token == null ? "" : "&nextToken=" + token),
                user.getValue(),
                null);
        check(reply, 200);
        JsonNode page = JSON.readTree(reply.body());
        page.path("items").forEach(each);
        token = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
      } while (token != null);
    }
  }

  private static int emailCount(HttpClient http, URI ses) throws Exception {
    var reply =
        http.send(
            HttpRequest.newBuilder(ses.resolve("/store")).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(reply.body()).path("emails").size();
  }

  /**
   * One schedule POST of the project at the {@code i}th tag, timed, then cancelled; its POST's
   * nanoseconds. A {@code warm} build, which the counts above leave out, for arm64: the API does
   * for it what it does for the burst's amd64 builds (the project, the transaction with the
   * builds-in-flight counter, the job sent to its arch's queue, the schedule marked queued), but no
   * builder here takes arm64 jobs, so it never runs beside the burst's builds.
   */
  private static long warmPost(
      HttpClient http, URI base, String project, Map<String, String> tokens, int i)
      throws Exception {
    String user = "bench-" + (i % USERS);
    long start = System.nanoTime();
    var reply =
        send(
            http,
            "POST",
            base + "/v1/users/" + user + "/image-schedules",
            tokens.get(user),
            "{\"imageName\": \"warm\", \"project\": \"%s\", \"change\": \"%s\", \"arch\": \"arm64\"}"
                .formatted(project, tag(i)));
    long elapsed = System.nanoTime() - start;
    check(reply, 202);
    String id = JSON.readTree(reply.body()).get("scheduleId").asText();
    check(
        send(
            http,
            "DELETE",
            base + "/v1/users/" + user + "/image-schedules/" + id,
            tokens.get(user),
            null),
        200);
    return elapsed;
  }

  /** The git tag of the {@code i}th build. */
  static String tag(int i) {
    return "b" + String.format("%05d", i);
  }

  /** A repository with one commit and a tag per build, so every build has its own change. */
  static Path gitRepoWithTags(int builds) throws Exception {
    return gitRepoWithTags(builds, 0);
  }

  /**
   * As above, the commit holding also a file of {@code payloadBytes} random bytes (none when 0),
   * which every build copies into its image: a layer of that size to push and pull.
   */
  static Path gitRepoWithTags(int builds, int payloadBytes) throws Exception {
    Path dir = Files.createTempDirectory("a4c-bench-git");
    git(dir, null, "init", "--quiet", "--initial-branch=main");
    Files.writeString(dir.resolve("VERSION"), "bench\n");
    git(dir, null, "add", "VERSION");
    if (payloadBytes > 0) {
      byte[] payload = new byte[payloadBytes];
      new java.util.Random(16).nextBytes(payload);
      Files.write(dir.resolve("payload.bin"), payload);
      git(dir, null, "add", "payload.bin");
    }
    git(
        dir,
        null,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@a4c.local",
        "commit",
        "--quiet",
        "-m",
        "bench");
    String head = git(dir, null, "rev-parse", "HEAD").strip();
    var refs = new StringBuilder();
    for (int i = 0; i < builds; i++) {
      refs.append("create refs/tags/").append(tag(i)).append(' ').append(head).append('\n');
    }
    git(dir, refs.toString(), "update-ref", "--stdin");
    return dir;
  }

  private static String git(Path dir, String input, String... args)
      throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("git"));
    command.addAll(Arrays.asList(args));
    var process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    if (input != null) {
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
    }
    return out;
  }

  private static void untag(String hosts, ImageRepository repository, String project, int builds) {
    for (String endpoint :
        LocalConfig.fromEnvironment(Map.of(LocalEnv.DOCKER_HOSTS, hosts)).dockerHosts().values()) {
      try (var docker = DockerClients.connect(endpoint)) {
        for (int i = 0; i < builds; i++) {
          try {
            docker.removeImageCmd(repository.imageRef(project, "main", Arch.AMD64, tag(i))).exec();
          } catch (RuntimeException e) {
            // not on this host
          }
        }
      } catch (IOException e) {
        // closing
      }
    }
  }

  private static HttpResponse<String> send(
      HttpClient http, String method, String url, String token, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .header("authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void check(HttpResponse<String> reply, int status) {
    if (reply.statusCode() != status) {
      throw new IllegalStateException("unexpected " + reply.statusCode() + ": " + reply.body());
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
