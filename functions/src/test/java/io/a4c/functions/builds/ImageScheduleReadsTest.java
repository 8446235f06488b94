package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.Heartbeat;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.hosts.HostImageStore;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.PageTokens;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The image-schedules list's {@code nextToken} is sealed for its user's list, as README says. */
class ImageScheduleReadsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private BuildScheduleStore store;
  private ImageScheduleReads reads;
  private int nextId;

  @BeforeEach
  void reads() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    var logs = new BuildLogStore(dynamo.client(), dynamo.table(A4cTables.BUILD_LOGS));
    // Ended builds without an image: the list asks neither the queue waits nor the fleet.
    reads =
        new ImageScheduleReads(
            store,
            logs,
            null,
            null,
            new PageTokens(FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal())));
  }

  @Test
  void aNextTokenPagesOnlyTheListItWasIssuedForAndCannotBeCrafted() {
    String first = failed("alice");
    String second = failed("alice");
    String bobs = failed("bob");
    failed("bob");

    var page1 = reads.list("alice", 1, null);
    var page2 = reads.list("alice", 1, page1.nextToken());

    assertThat(page1.items()).extracting(ImageScheduleView::scheduleId).containsExactly(first);
    assertThat(page2.items()).extracting(ImageScheduleView::scheduleId).containsExactly(second);
    String crafted =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("s1:" + bobs).getBytes(StandardCharsets.UTF_8));
    for (String bad : new String[] {crafted, page1.nextToken() + "x"}) {
      assertThatThrownBy(() -> reads.list("bob", 1, bad))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .extracting("field")
          .isEqualTo("nextToken");
    }
    assertThatThrownBy(() -> reads.list("bob", 1, page1.nextToken()))
        .as("alice's token on bob's list")
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void pagesPolledByTheDashboardShareOneReadOfTheFleet() {
    // The dashboard asks for this page every 2 s while it is open: a read of the image's holders
    // per request would grow with builds × viewers.
    var hosts = new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    var beat = Heartbeat.of("h1", Arch.AMD64, 1, 100, List.of("reg/app:1"), 10, 0, T0);
    assertThat(hosts.applyHeartbeat(beat, T0)).isTrue();
    new HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES)).index(beat, T0);
    var clock = new TestClock(T0);
    var scans = new AtomicInteger();
    var fleet =
        new HostStore(counting(dynamo.client(), "scan", scans), dynamo.table(A4cTables.HOSTS));
    var queries = new AtomicInteger();
    var holders =
        new HostImageStore(
            counting(dynamo.client(), "query", queries), dynamo.table(A4cTables.HOST_IMAGES));
    var polled =
        new ImageScheduleReads(
            store,
            new BuildLogStore(dynamo.client(), dynamo.table(A4cTables.BUILD_LOGS)),
            null,
            new HostDirectory(fleet, holders, clock),
            new PageTokens(FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal())));
    String built = completed("alice", "reg/app:1");

    for (int i = 0; i < 5; i++) {
      assertThat(polled.list("alice", 100, null).items())
          .extracting(ImageScheduleView::imageHosts)
          .containsExactly(List.of("h1"));
      assertThat(polled.get("alice", built).imageHosts()).containsExactly("h1");
      clock.advance(Duration.ofMillis(500));
    }

    assertThat(queries).as("ten reads in 2.5 s, one read of the image's holders").hasValue(1);
    assertThat(scans).as("and no scan of the hosts").hasValue(0);
  }

  /** {@code client}, counting its calls of {@code method} (a paginator's pages each count once). */
  private static DynamoDbClient counting(
      DynamoDbClient client, String method, AtomicInteger calls) {
    return ClientSpy.on(
        client,
        call -> {
          if (call.method().isDefault() && call.method().getName().endsWith("Paginator")) {
            return call.throughSpy();
          }
          if (call.is(method)) {
            calls.incrementAndGet();
          }
          return call.proceed();
        });
  }

  private String completed(String userId, String imageRef) {
    String id = String.format("bs-%026d", ++nextId);
    assertThat(
            store.insert(
                new BuildSchedule(
                    userId,
                    id,
                    null,
                    "proj",
                    "main",
                    Arch.AMD64,
                    null,
                    BuildKind.USER,
                    BuildStatus.COMPLETED,
                    1,
                    1,
                    "h1/1",
                    "h1",
                    imageRef,
                    "sha256:0",
                    null,
                    null,
                    false,
                    "{}",
                    T0,
                    T0,
                    T0,
                    T0,
                    null)))
        .isTrue();
    return id;
  }

  private String failed(String userId) {
    String id = String.format("bs-%026d", ++nextId);
    assertThat(
            store.insert(
                new BuildSchedule(
                    userId,
                    id,
                    null,
                    "proj",
                    "main",
                    Arch.AMD64,
                    null,
                    BuildKind.USER,
                    BuildStatus.FAILED,
                    1,
                    1,
                    "h1/1",
                    "h1",
                    null,
                    null,
                    "broke",
                    null,
                    false,
                    "{}",
                    T0,
                    T0,
                    T0,
                    T0,
                    null)))
        .isTrue();
    return id;
  }
}
