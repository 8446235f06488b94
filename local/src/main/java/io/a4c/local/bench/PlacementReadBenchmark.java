package io.a4c.local.bench;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.Parallel;
import io.a4c.functions.dynamo.TableCreation;
import io.a4c.functions.dynamo.TableSpec;
import io.a4c.functions.hosts.HostImageStore;
import io.a4c.functions.hosts.HostStore;
import io.a4c.local.embedded.Dynoxide;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;

/**
 * What a create's placement reads of the fleet, at fleet sizes this machine cannot run: {@code
 * hosts} hosts whose heartbeats each list {@code images} image references, in an in-memory Dynoxide
 * (no Docker). <em>Before</em>: every host item whole (a strongly consistent scan, image lists
 * included) and the holders found in those lists. <em>After</em>: the hosts without their lists
 * ({@link HostStore#allWithoutImages}) and, at once, the holders of the one image ({@link
 * HostImageStore#holders}, one query), as {@code WorkspaceCreation} reads them. Alternated, {@code
 * rounds} each after a warm-up; p50/p90 in ms. Prints one line per size.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.PlacementReadBenchmark [rounds]}
 * (default 40): sizes 3, 80 and 300 hosts × 20, 100 and 500 images.
 */
public final class PlacementReadBenchmark {
  private PlacementReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    System.setProperty("logback.configurationFile", "logback-local.xml");
    try (var engine =
            Dynoxide.inMemory(Files.createTempDirectory("a4c-bench").resolve("dynoxide.log"));
        var dynamo =
            DynamoDbClient.builder()
                .endpointOverride(engine.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
      System.out.println(
          "hosts | images per host | before: p50 / p90 ms | after: p50 / p90 ms | holders");
      for (int hosts : new int[] {3, 80, 300}) {
        for (int images : new int[] {20, 100, 500}) {
          run(dynamo, hosts, images, rounds);
        }
      }
    }
  }

  private static void run(DynamoDbClient dynamo, int hosts, int images, int rounds) {
    String prefix = "b" + hosts + "x" + images + "-";
    TableCreation.ensure(dynamo, (TableSpec t) -> prefix + t.localName());
    var hostStore = new HostStore(dynamo, prefix + A4cTables.HOSTS.localName());
    var imageStore = new HostImageStore(dynamo, prefix + A4cTables.HOST_IMAGES.localName());
    // Before: the same host items with their image list in them, as heartbeats wrote them.
    String withLists = prefix + "hosts-with-lists";
    dynamo.createTable(
        b ->
            b.tableName(withLists)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("hostId").attributeType("S"))
                .keySchema(k -> k.attributeName("hostId").keyType("HASH")));
    Instant now = Instant.now();
    for (int h = 0; h < hosts; h++) {
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        // every host holds every image: the worst case for the lists, and the holders' most
        refs.add("10.250.0.1:5000/a4c-images:project" + (i % 40) + "_main_amd64_" + (100_000 + i));
      }
      var beat = Heartbeat.of("h" + h, Arch.AMD64, 1L << 30, 1L << 40, refs, 20, 0, now);
      hostStore.applyHeartbeat(beat, now);
      imageStore.index(beat, now);
      var item =
          new HashMap<>(
              dynamo
                  .getItem(
                      b ->
                          b.tableName(prefix + A4cTables.HOSTS.localName())
                              .key(A4cTables.HOSTS.key(beat.hostId()))
                              .consistentRead(true))
                  .item());
      item.put("images", AttributeValue.fromL(refs.stream().map(AttributeValue::fromS).toList()));
      dynamo.putItem(b -> b.tableName(withLists).item(item));
    }
    String ref = "10.250.0.1:5000/a4c-images:project3_main_amd64_100003";
    Supplier<Integer> before =
        () ->
            (int)
                dynamo
                    .scanPaginator(b -> b.tableName(withLists).consistentRead(true))
                    .items()
                    .stream()
                    .filter(h -> h.get("images").l().stream().anyMatch(v -> v.s().equals(ref)))
                    .count();
    Supplier<Integer> after =
        () -> {
          var reads = new Parallel();
          var fleet = reads.start(hostStore::all);
          var holders = reads.start(() -> imageStore.holders(ref));
          reads.await();
          fleet.get();
          return holders.get().size();
        };
    for (int i = 0; i < 5; i++) {
      before.get();
      after.get();
    }
    long[] b = new long[rounds];
    long[] a = new long[rounds];
    int held = 0;
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      int seenBefore = before.get();
      b[i] = System.nanoTime() - start;
      start = System.nanoTime();
      held = after.get();
      a[i] = System.nanoTime() - start;
      if (held != seenBefore) {
        throw new IllegalStateException("the two reads disagree: " + seenBefore + " vs " + held);
      }
    }
    Arrays.sort(b);
    Arrays.sort(a);
    System.out.printf(
        "%d | %d | %.1f / %.1f | %.1f / %.1f | %d%n",
        hosts,
        images,
        b[rounds / 2] / 1e6,
        b[rounds * 9 / 10] / 1e6,
        a[rounds / 2] / 1e6,
        a[rounds * 9 / 10] / 1e6,
        held);
  }
}
