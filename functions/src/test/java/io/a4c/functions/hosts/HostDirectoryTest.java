package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.dynamo.Values;
import io.a4c.functions.testing.TestClock;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The host directory reads the hosts table at most once per {@link HostDirectory#REFRESH}, however
 * many reads ask it. The table here is a stand-in that counts its scans: how often a scan happens
 * is the point, and no engine says so.
 */
class HostDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final AtomicInteger scans = new AtomicInteger();
  private final TestClock clock = new TestClock(T0);

  private final InvocationHandler table =
      (proxy, method, args) ->
          switch (method.getName()) {
            case "scan" -> {
              scans.incrementAndGet();
              yield ScanResponse.builder()
                  .items(host("h1", "reg/app:1", "reg/app:2"), host("h2", "reg/app:2"))
                  .build();
            }
            case "scanPaginator" -> InvocationHandler.invokeDefault(proxy, method, args);
            case "serviceName" -> "dynamodb";
            default -> throw new UnsupportedOperationException(method.getName());
          };

  private final HostDirectory directory =
      new HostDirectory(
          new HostStore(
              (DynamoDbClient)
                  Proxy.newProxyInstance(
                      DynamoDbClient.class.getClassLoader(),
                      new Class<?>[] {DynamoDbClient.class},
                      table),
              "Hosts"),
          clock);

  @Test
  void holdersOfManyReadsComeFromOneScanPerRefresh() {
    for (int i = 0; i < 50; i++) {
      assertThat(directory.holders("reg/app:2")).containsExactly("h1", "h2");
      assertThat(directory.holders("reg/app:1")).containsExactly("h1");
      assertThat(directory.reachable("h1")).isTrue();
    }
    assertThat(directory.holders(null)).isEmpty();
    assertThat(scans).hasValue(1);

    clock.advance(HostDirectory.REFRESH.plus(Duration.ofMillis(1)));
    assertThat(directory.holders("reg/app:3")).isEmpty();
    assertThat(scans).as("read again once the snapshot is older than REFRESH").hasValue(2);
  }

  private static Map<String, AttributeValue> host(String hostId, String... images) {
    return Map.of(
        "hostId", Values.s(hostId),
        "arch", Values.s("amd64"),
        "status", Values.name(HostStatus.ACTIVE),
        "images", AttributeValue.fromL(List.of(images).stream().map(Values::s).toList()),
        "lastHeartbeatMs", Values.epochMillis(T0));
  }
}
