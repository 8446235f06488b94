package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.dynamo.Values;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The host directory reads the hosts table, and each image's holders, at most once per {@link
 * HostDirectory#REFRESH}, however many reads ask it. The tables here are a stand-in that counts its
 * scans and queries: how often a read happens is the point, and no engine says so.
 */
class HostDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final AtomicInteger scans = new AtomicInteger();
  private final AtomicInteger queries = new AtomicInteger();
  private static final Map<String, List<String>> HOLDERS =
      Map.of("reg/app:1", List.of("h1"), "reg/app:2", List.of("h2", "h1"));
  private final TestClock clock = new TestClock(T0);

  private final DynamoDbClient client =
      ClientSpy.stub(
          DynamoDbClient.class,
          call ->
              switch (call.method().getName()) {
                case "scan" -> {
                  scans.incrementAndGet();
                  yield ScanResponse.builder().items(host("h1"), host("h2")).build();
                }
                case "query" -> {
                  queries.incrementAndGet();
                  var request = (QueryRequest) call.first();
                  String ref = request.expressionAttributeValues().get(":ref").s();
                  yield QueryResponse.builder()
                      .items(
                          HOLDERS.getOrDefault(ref, List.of()).stream()
                              .map(h -> Map.of("hostId", Values.s(h)))
                              .toList())
                      .build();
                }
                case "scanPaginator", "queryPaginator" -> call.throughSpy();
                case "serviceName" -> "dynamodb";
                default -> throw new UnsupportedOperationException(call.method().getName());
              });

  private final HostDirectory directory =
      new HostDirectory(
          new HostStore(client, "Hosts"), new HostImageStore(client, "HostImages"), clock);

  @Test
  void holdersAndReachabilityOfManyReadsComeFromOneReadEachPerRefresh() {
    for (int i = 0; i < 50; i++) {
      assertThat(directory.holders("reg/app:2")).containsExactly("h1", "h2");
      assertThat(directory.holders("reg/app:1")).containsExactly("h1");
      assertThat(directory.reachable("h1")).isTrue();
    }
    assertThat(directory.holders(null)).isEmpty();
    assertThat(scans).hasValue(1);
    assertThat(queries).as("one per image").hasValue(2);

    clock.advance(HostDirectory.REFRESH.plus(Duration.ofMillis(1)));
    assertThat(directory.holders("reg/app:1")).containsExactly("h1");
    assertThat(directory.reachable("h1")).isTrue();
    assertThat(queries).as("read again once older than REFRESH").hasValue(3);
    assertThat(scans).hasValue(2);
  }

  private static Map<String, AttributeValue> host(String hostId) {
    return Map.of(
        "hostId", Values.s(hostId),
        "arch", Values.s("amd64"),
        "status", Values.name(HostStatus.ACTIVE),
        "lastHeartbeatMs", Values.epochMillis(T0));
  }
}
