package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Which hosts hold an image, kept from heartbeats (against Dynoxide): what placement reads instead
 * of every host's image list, right after each list change, and never undone by an older beat.
 */
class HostImageStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final TestClock clock = new TestClock(T0);
  private HostStore hosts;
  private HostImageStore images;
  private HostService service;
  private AuditLog audit;

  @BeforeEach
  void stores() {
    hosts = new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    images = new HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES));
    var env = new java.util.HashMap<>(FunctionsConfigTest.minimal());
    env.putAll(dynamo.tableSettings());
    FunctionsConfig config = FunctionsConfig.fromEnvironment(env);
    audit = TestAudit.log(dynamo.client(), config, clock);
    service = new HostService(hosts, images, audit, clock);
  }

  @Test
  void aHeartbeatNamesItsHostAmongTheHoldersOfEachImageItLists() {
    service.recordHeartbeat(beat("h1", T0, "reg/a:1", "reg/b:1"));
    service.recordHeartbeat(beat("h2", T0, "reg/b:1"));

    assertThat(images.holders("reg/a:1")).containsExactly("h1");
    assertThat(images.holders("reg/b:1")).containsExactlyInAnyOrder("h1", "h2");
    assertThat(images.holders("reg/c:1")).isEmpty();
  }

  @Test
  void anImageAHostNoLongerListsIsNoLongerHeldThereFromItsNextHeartbeat() {
    service.recordHeartbeat(beat("h1", T0, "reg/a:1", "reg/b:1"));
    clock.advance(Duration.ofSeconds(2));
    service.recordHeartbeat(beat("h1", T0.plusSeconds(2), "reg/b:1"));

    assertThat(images.holders("reg/a:1")).isEmpty();
    assertThat(images.holders("reg/b:1")).containsExactly("h1");
    // A tombstone, which expires, not a gap an older beat could fill.
    var tombstone = item("reg/a:1", "h1");
    assertThat(tombstone.get("held").bool()).isFalse();
    assertThat(Long.parseLong(tombstone.get("expiresAt").n()))
        .isEqualTo(T0.plusSeconds(2).plus(HostImageStore.TOMBSTONE_TTL).getEpochSecond());

    clock.advance(Duration.ofSeconds(2));
    service.recordHeartbeat(beat("h1", T0.plusSeconds(4), "reg/a:1", "reg/b:1"));
    assertThat(images.holders("reg/a:1")).containsExactly("h1");
    assertThat(item("reg/a:1", "h1")).doesNotContainKey("expiresAt");
  }

  @Test
  void anOlderHeartbeatIndexedAfterANewerOneCannotBringAnImageBack() {
    var older = beat("h1", T0, "reg/a:1", "reg/b:1");
    var newer = beat("h1", T0.plusSeconds(2), "reg/b:1");
    // Two consumers: the newer beat's items are written first, the older one's after.
    images.index(older, T0);
    images.index(newer, T0.plusSeconds(2));
    images.index(older, T0.plusSeconds(3));

    assertThat(images.holders("reg/a:1")).isEmpty();
    assertThat(images.holders("reg/b:1")).containsExactly("h1");
  }

  @Test
  void anOlderHeartbeatsItemWrittenAfterANewerOneWasAppliedIsUndoneByTheNextHeartbeat() {
    service.recordHeartbeat(beat("h1", T0, "reg/b:1"));
    // Two consumers: the older beat (which lists a) is applied and about to write its items when
    // the newer one (b alone, the list indexed already) is applied, and so indexes nothing.
    var newer = beat("h1", T0.plusSeconds(4), "reg/b:1");
    var once = new AtomicBoolean();
    String hostImages = dynamo.table(A4cTables.HOST_IMAGES);
    DynamoDbClient racing =
        ClientSpy.on(
            dynamo.client(),
            call -> {
              if (call.first() instanceof Consumer<?>) {
                // the builder overloads build the request and call the overload below
                return call.throughSpy();
              }
              if (call.first() instanceof UpdateItemRequest update
                  && update.tableName().equals(hostImages)
                  && once.compareAndSet(false, true)) {
                service.recordHeartbeat(newer);
              }
              return call.proceed();
            });
    var olderConsumer =
        new HostService(
            new HostStore(racing, dynamo.table(A4cTables.HOSTS)),
            new HostImageStore(racing, hostImages),
            audit,
            clock);
    clock.advance(Duration.ofSeconds(4));
    olderConsumer.recordHeartbeat(beat("h1", T0.plusSeconds(2), "reg/a:1", "reg/b:1"));
    assertThat(once).isTrue();

    clock.advance(Duration.ofSeconds(10));
    service.recordHeartbeat(beat("h1", T0.plusSeconds(14), "reg/b:1"));

    assertThat(images.holders("reg/a:1")).as("not held since the newer beat").isEmpty();
    assertThat(images.holders("reg/b:1")).containsExactly("h1");
    // Indexed again, the list is not written again at the next beat.
    var indexed = item("reg/a:1", "h1").get("beatMs").n();
    clock.advance(Duration.ofSeconds(10));
    service.recordHeartbeat(beat("h1", T0.plusSeconds(24), "reg/b:1"));
    assertThat(item("reg/a:1", "h1").get("beatMs").n()).isEqualTo(indexed);
  }

  @Test
  void anUnchangedListIsNotWrittenAgainUntilItIsDueForAReindex() {
    service.recordHeartbeat(beat("h1", T0, "reg/a:1"));
    var first = item("reg/a:1", "h1").get("beatMs").n();

    clock.advance(Duration.ofSeconds(2));
    service.recordHeartbeat(beat("h1", T0.plusSeconds(2), "reg/a:1"));
    assertThat(item("reg/a:1", "h1").get("beatMs").n())
        .as("same list: not written")
        .isEqualTo(first);

    assertThat(HostImageStore.due(beat("h1", T0, "reg/a:1"), null, null, T0)).isTrue();
    String digest = HostImageStore.digest(List.of("reg/a:1"));
    assertThat(HostImageStore.due(beat("h1", T0, "reg/a:1"), digest, T0, T0.plusSeconds(60)))
        .isFalse();
    assertThat(HostImageStore.due(beat("h1", T0, "reg/b:1"), digest, T0, T0.plusSeconds(60)))
        .isTrue();
    assertThat(
            HostImageStore.due(
                beat("h1", T0, "reg/a:1"),
                digest,
                T0,
                T0.plus(HostImageStore.REINDEX_AFTER).plusSeconds(1)))
        .isTrue();
    assertThat(HostImageStore.digest(List.of("x", "y")))
        .isEqualTo(HostImageStore.digest(List.of("y", "x")));
  }

  @Test
  void theHostItemCarriesNoImageListAndTheAdminsViewReadsItFromTheIndex() {
    service.recordHeartbeat(beat("h1", T0, "reg/b:1", "reg/a:1"));

    var item =
        dynamo
            .client()
            .getItem(
                b ->
                    b.tableName(dynamo.table(A4cTables.HOSTS))
                        .key(A4cTables.HOSTS.key("h1"))
                        .consistentRead(true))
            .item();
    assertThat(item).doesNotContainKey("images").containsKey("imagesIndexed");
    assertThat(hosts.all().getFirst().images()).isEmpty();
    assertThat(service.list().getFirst().images()).containsExactly("reg/a:1", "reg/b:1");
    assertThat(images.imagesOf("h1")).containsExactly("reg/a:1", "reg/b:1");
  }

  @Test
  void aHostItemFromBeforeTheIndexLosesItsListAndIsIndexedAtItsFirstHeartbeat() {
    dynamo
        .client()
        .putItem(
            b ->
                b.tableName(dynamo.table(A4cTables.HOSTS))
                    .item(
                        Map.of(
                            "hostId", AttributeValue.fromS("h1"),
                            "arch", AttributeValue.fromS("amd64"),
                            "status", AttributeValue.fromS("ACTIVE"),
                            "images", AttributeValue.fromL(List.of(AttributeValue.fromS("old:1"))),
                            "heartbeatSentMs", AttributeValue.fromN("1"))));

    service.recordHeartbeat(beat("h1", T0, "reg/a:1"));

    assertThat(images.holders("reg/a:1")).containsExactly("h1");
    assertThat(images.holders("old:1")).isEmpty();
    assertThat(service.list().getFirst().images()).containsExactly("reg/a:1");
  }

  @Test
  void aHostsFirstHeartbeatIndexesItsImagesBeforeTheHostAppearsToPlacement() {
    var client = dynamo.client();
    var holdersWhenTheHostAppeared = new java.util.concurrent.atomic.AtomicReference<Object>();
    var watching =
        ClientSpy.on(
            client,
            call -> {
              if (call.is("updateItem") && call.first() instanceof Consumer<?>) {
                var request = call.request(UpdateItemRequest.class);
                if (request.updateExpression().startsWith("SET arch")
                    && holdersWhenTheHostAppeared.get() == null) {
                  holdersWhenTheHostAppeared.set(images.holders("reg/a:1"));
                }
                return client.updateItem(request);
              }
              return call.proceed();
            });
    var env = new java.util.HashMap<>(FunctionsConfigTest.minimal());
    env.putAll(dynamo.tableSettings());
    var watched =
        new HostService(
            new HostStore(watching, dynamo.table(A4cTables.HOSTS)),
            images,
            TestAudit.log(client, FunctionsConfig.fromEnvironment(env), clock),
            clock);

    watched.recordHeartbeat(beat("h9", T0, "reg/a:1"));

    assertThat(holdersWhenTheHostAppeared.get()).isEqualTo(java.util.Set.of("h9"));
    assertThat(hosts.all()).extracting(Host::hostId).containsExactly("h9");
    // and its list counts as indexed: the next beat of the same list writes nothing
    var written = item("reg/a:1", "h9").get("beatMs").n();
    clock.advance(Duration.ofSeconds(2));
    watched.recordHeartbeat(beat("h9", T0.plusSeconds(2), "reg/a:1"));
    assertThat(item("reg/a:1", "h9").get("beatMs").n()).isEqualTo(written);
  }

  private Map<String, AttributeValue> item(String ref, String hostId) {
    return dynamo
        .client()
        .getItem(
            b ->
                b.tableName(dynamo.table(A4cTables.HOST_IMAGES))
                    .key(A4cTables.HOST_IMAGES.key(ref, hostId))
                    .consistentRead(true))
        .item();
  }

  private static Heartbeat beat(String hostId, Instant sentAt, String... refs) {
    return Heartbeat.of(hostId, Arch.AMD64, 10, 100, List.of(refs), 3, 0, sentAt);
  }
}
