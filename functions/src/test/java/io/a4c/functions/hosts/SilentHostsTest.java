package io.a4c.functions.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.Heartbeat;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Liveness by this side's clock, against Dynoxide: heartbeats go through {@link HostService} as the
 * host-events consumer applies them, and {@link SilentHosts} marks DOWN as the sweeper does. A
 * host's own clock, however far off, decides nothing.
 */
class SilentHostsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String IMAGE = "a4c-base:shop-1";

  private final TestClock clock = new TestClock(T0);
  private FunctionsConfig config;
  private HostStore hosts;
  private HostService service;
  private SilentHosts silent;

  @BeforeEach
  void services() {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.HOSTS_TABLE, dynamo.table(A4cTables.HOSTS));
    env.put(FunctionsEnv.HOST_IMAGES_TABLE, dynamo.table(A4cTables.HOST_IMAGES));
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    config = FunctionsConfig.fromEnvironment(env);
    hosts = new HostStore(dynamo.client(), config.hostsTable());
    service =
        new HostService(
            hosts,
            new HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES)),
            TestAudit.log(dynamo.client(), config, clock),
            clock);
    silent = new SilentHosts(hosts, clock, config);
  }

  @Test
  void aHostWhoseClockIsBehindByMoreThanTheGraceStaysActiveWhileItBeats() {
    Duration behind = config.hostDownAfter().plusSeconds(30);
    for (int beat = 0; beat < 5; beat++) {
      service.recordHeartbeat(heartbeat(clock.instant().minus(behind)));
      assertThat(silent.markDown()).isZero();
      clock.advance(Duration.ofSeconds(10));
    }

    Host host = hosts.all().getFirst();
    assertThat(host.status()).isEqualTo(HostStatus.ACTIVE);
    // Placement takes it too: its heartbeat is fresh by this side's clock.
    assertThat(
            new LeastDiskPlacement(config)
                .candidates(
                    hosts.all(),
                    new HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES))
                        .holders(IMAGE),
                    Arch.AMD64,
                    IMAGE,
                    clock.instant()))
        .extracting(Host::hostId)
        .containsExactly("h1");
  }

  @Test
  void aHostWhoseClockIsAheadIsStillMarkedDownOnceItFallsSilent() {
    service.recordHeartbeat(heartbeat(clock.instant().plus(Duration.ofHours(1))));
    clock.advance(config.hostDownAfter());
    assertThat(silent.markDown()).isZero();

    clock.advance(Duration.ofSeconds(1));

    assertThat(silent.markDown()).isEqualTo(1);
    assertThat(hosts.all().getFirst().status()).isEqualTo(HostStatus.DOWN);
  }

  private static Heartbeat heartbeat(Instant sentAt) {
    return Heartbeat.of("h1", Arch.AMD64, 10, 1_000_000, List.of(IMAGE), 5, 0, sentAt);
  }
}
