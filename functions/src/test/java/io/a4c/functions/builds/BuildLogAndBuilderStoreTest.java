package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuilderStatus;
import io.a4c.events.Heartbeat;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Build logs and builder reports against Dynoxide. */
class BuildLogAndBuilderStoreTest {
  private static final String BUILD = "bs-01jd0000000000000000000000";

  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private BuildLogStore logs;
  private BuilderStore builders;
  private HostStore hosts;

  @BeforeEach
  void stores() {
    logs = new BuildLogStore(dynamo.client(), dynamo.table(A4cTables.BUILD_LOGS));
    builders = new BuilderStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
    hosts = new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS));
  }

  @Test
  void aBuildKeepsItsLastAttemptsLog() {
    logs.put("bs-1", 1, "first", null, null, T0);
    logs.put("bs-1", 2, "second", null, null, T0.plusSeconds(1));

    assertThat(logs.get("bs-1"))
        .contains(
            new BuildLogStore.BuildLog(
                "bs-1", 2, "second", T0.plusSeconds(1), false, null, null, null));
    assertThat(logs.get("bs-2")).isEmpty();
  }

  @Test
  void aRunningBuildsLogIsReplacedOnlyByANewerUpdateAndNeverOverTheEndsLog() {
    assertThat(logs.putLive("bs-1", 1, 2, "one\ntwo\n", 0L, T0)).isTrue();
    assertThat(logs.putLive("bs-1", 1, 1, "one\n", 0L, T0)).as("a late, older update").isFalse();
    assertThat(logs.putLive("bs-1", 1, 2, "one\ntwo\n", 0L, T0)).as("the same again").isFalse();
    assertThat(logs.get("bs-1").orElseThrow())
        .isEqualTo(new BuildLogStore.BuildLog("bs-1", 1, "one\ntwo\n", T0, true, 0L, null, null));
    assertThat(logs.putLive("bs-1", 2, 1, "attempt two\n", 0L, T0.plusSeconds(1)))
        .as("a later attempt's first update")
        .isTrue();
    assertThat(logs.putLive("bs-1", 1, 3, "one\ntwo\nthree\n", 0L, T0))
        .as("the old attempt")
        .isFalse();

    logs.put("bs-1", 2, "attempt two\ndone\n", null, null, T0.plusSeconds(2));
    assertThat(logs.putLive("bs-1", 2, 9, "attempt two\n", 0L, T0.plusSeconds(3)))
        .as("an update that comes after the end")
        .isFalse();
    assertThat(logs.get("bs-1").orElseThrow())
        .isEqualTo(
            new BuildLogStore.BuildLog(
                "bs-1", 2, "attempt two\ndone\n", T0.plusSeconds(2), false, null, null, null));
  }

  @Test
  void aLogIsStoredWithoutTheCredentialsOfAnyUrlItQuotes() {
    logs.put(
        "bs-1", 1, "$ git clone -- https://alice:tok3n@git.example.com/x.git /b\n", null, null, T0);

    assertThat(logs.get("bs-1").orElseThrow().text())
        .isEqualTo("$ git clone -- https://***@git.example.com/x.git /b\n");
  }

  @Test
  void aBuilderReportIsKeptBesideItsHostsHeartbeatUnlessOlder() {
    assertThat(builders.record(BuilderStatus.of("h1", Arch.AMD64, 2, List.of(), true, T0), T0))
        .as("no heartbeat from h1 yet")
        .isFalse();
    hosts.applyHeartbeat(Heartbeat.of("h1", Arch.AMD64, 1, 2, List.of(), 5, 0, T0), T0);

    // Its host's clock is 45 s behind: seen when received, ordered by what the host says.
    var behind = T0.minusSeconds(45);
    assertThat(
            builders.record(
                BuilderStatus.of("h1", Arch.AMD64, 2, List.of(BUILD), true, behind), T0))
        .isTrue();
    assertThat(
            builders.record(
                BuilderStatus.of("h1", Arch.AMD64, 9, List.of(), false, behind), T0.plusSeconds(5)))
        .isFalse();

    var h1 = new BuilderStore.Builder("h1", Arch.AMD64, 2, 1, true, T0, List.of(BUILD));
    assertThat(builders.all()).containsExactly(h1);
    assertThat(builders.get("h1")).contains(h1);

    // A daemon from before the list says nothing of its builds: unknown, not none.
    var old = new BuilderStatus(1, "h1", Arch.AMD64, 2, 1, true, T0.plusSeconds(1), null);
    assertThat(builders.record(old, T0.plusSeconds(6))).isTrue();
    assertThat(builders.get("h1").orElseThrow().builds()).isNull();
    assertThat(hosts.all().getFirst().capacity()).isEqualTo(5);
  }
}
