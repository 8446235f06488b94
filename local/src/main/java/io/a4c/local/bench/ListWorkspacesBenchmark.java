package io.a4c.local.bench;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.projects.Image;
import io.a4c.functions.workspaces.TimeOrderedIds;
import io.a4c.functions.workspaces.Workspace;
import io.a4c.functions.workspaces.WorkspaceStore;
import io.a4c.local.LocalConfig;
import io.a4c.local.LocalEnv;
import io.a4c.local.LocalRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The workspace list's latency, end to end over HTTP through the local runtime, beside its floor:
 * the same page fetched by a raw DynamoDB Query in the same run. Seeds {@code users} users with
 * {@code perUser} workspaces each, then measures the first page (50) of one user, alternating the
 * two clients so both see the same machine. Reports p50/p90/p99/max in ms.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.ListWorkspacesBenchmark [users]
 * [perUser] [requests]} (defaults 40, 500, 3000). Needs a Docker engine, like the runtime.
 */
public final class ListWorkspacesBenchmark {
  private ListWorkspacesBenchmark() {}

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int perUser = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
    System.setProperty("logback.configurationFile", "logback-local.xml");
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DNS_PORT,
                "0",
                LocalEnv.DATA_DIR,
                Files.createTempDirectory("a4c-bench").toString(),
                LocalEnv.DOCKER_HOSTS,
                System.getenv()
                    .getOrDefault(LocalEnv.DOCKER_HOSTS, "h1=unix:///var/run/docker.sock")));
    try (var runtime = LocalRuntime.start(config);
        var dynamo = runtime.newDynamoDbClient()) {
      long seedStart = System.nanoTime();
      seed(dynamo, users, perUser);
      System.out.printf(
          "seeded %d users x %d workspaces in %.1f s%n",
          users, perUser, (System.nanoTime() - seedStart) / 1e9);

      String user = "user-0";
      String token = runtime.mintToken(user, false);
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      var request =
          HttpRequest.newBuilder(
                  URI.create(runtime.baseUri() + "/v1/users/" + user + "/workspaces?limit=50"))
              .header("authorization", "Bearer " + token)
              .GET()
              .build();

      Runnable viaApi =
          () -> {
            try {
              HttpResponse<String> response =
                  http.send(request, HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() != 200 || !response.body().contains("\"nextToken\"")) {
                throw new IllegalStateException(
                    "unexpected list response " + response.statusCode());
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      Runnable viaQuery =
          () -> {
            var page =
                dynamo.query(
                    b ->
                        b.tableName("a4c-workspaces")
                            .keyConditionExpression("userId = :u")
                            .expressionAttributeValues(Map.of(":u", AttributeValue.fromS(user)))
                            .limit(50));
            if (page.count() != 50) {
              throw new IllegalStateException("unexpected page size " + page.count());
            }
          };

      for (int i = 0; i < 500; i++) {
        viaApi.run();
        viaQuery.run();
      }
      long[] api = new long[requests];
      long[] raw = new long[requests];
      for (int i = 0; i < requests; i++) {
        api[i] = time(viaApi);
        raw[i] = time(viaQuery);
      }
      System.out.println();
      System.out.println(
          "| first page of 50 (user with "
              + perUser
              + ", table of "
              + users * perUser
              + ") | n | p50 ms | p90 ms | p99 ms | max ms |");
      System.out.println("|---|---|---|---|---|---|");
      row("A4C `GET /v1/users/{id}/workspaces` over HTTP", api);
      row("raw DynamoDB Query (SDK), the floor", raw);
      System.out.printf("%nA4C p99 / raw p99 = %.2f%n", percentile(api, 99) / percentile(raw, 99));
    }
  }

  private static void seed(DynamoDbClient dynamo, int users, int perUser) {
    var ids = new TimeOrderedIds(Clock.systemUTC());
    Instant now = Instant.now();
    var image =
        new Image(
            "kernel", "main", Arch.AMD64, "1234", 1234, "a4c-base:busybox", Image.COMPLETED, now);
    List<WriteRequest> batch = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < perUser; i++) {
        String id = ids.workspaceId();
        var workspace =
            Workspace.pending(
                    "user-" + u, id, null, image, "h" + (i % 3 + 1), id + ".ws.a4c.internal", now)
                .withContainer("c0ffee" + i, "172.17.0." + (i % 250 + 2))
                .moved(WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED, null, now);
        batch.add(
            WriteRequest.builder()
                .putRequest(PutRequest.builder().item(WorkspaceStore.toItem(workspace)).build())
                .build());
        if (batch.size() == 25) {
          write(dynamo, batch);
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      write(dynamo, batch);
    }
  }

  private static void write(DynamoDbClient dynamo, List<WriteRequest> batch) {
    Map<String, List<WriteRequest>> pending = Map.of("a4c-workspaces", batch);
    while (!pending.isEmpty()) {
      var request = Map.copyOf(pending);
      var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
      pending = unprocessed == null || unprocessed.isEmpty() ? Map.of() : unprocessed;
    }
  }

  private static long time(Runnable operation) {
    long start = System.nanoTime();
    operation.run();
    return System.nanoTime() - start;
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static void row(String name, long[] nanos) {
    System.out.printf(
        "| %s | %d | %.2f | %.2f | %.2f | %.2f |%n",
        name,
        nanos.length,
        percentile(nanos, 50),
        percentile(nanos, 90),
        percentile(nanos, 99),
        percentile(nanos, 100));
  }
}
