package io.a4c.functions.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail against Dynoxide: entries read back as written, newest first, by user. */
class AuditStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private AuditStore store;

  @BeforeEach
  void store() {
    store = new AuditStore(dynamo.client(), dynamo.table(A4cTables.AUDIT));
  }

  @Test
  void anEntryIsReadBackAsWritten() {
    var entry = entry(1, "alice", Map.of("project", "p"));

    store.put(entry);

    assertThat(store.page(null, 10, null).items()).containsExactly(entry);
  }

  @Test
  void entriesAreReadNewestFirstAndPagedThroughForEveryoneOrOneUser() {
    var a = entry(1, "alice", Map.of());
    var b = entry(2, null, Map.of());
    var c = entry(3, "alice", Map.of());
    store.put(a);
    store.put(b);
    store.put(c);

    var first = store.page(null, 2, null);
    assertThat(first.items()).containsExactly(c, b);
    assertThat(store.page(null, 2, first.lastEntryId()).items()).containsExactly(a);

    var alice = store.page("alice", 1, null);
    assertThat(alice.items()).containsExactly(c);
    assertThat(store.page("alice", 1, alice.lastEntryId()).items()).containsExactly(a);
  }

  private static AuditEntry entry(int n, String userId, Map<String, String> details) {
    Instant at = Instant.parse("2026-03-01T10:00:00.123456Z").plusSeconds(n);
    return new AuditEntry(
        "2026-03-01T10:00:0" + n + ".123456000Z#00000000000" + n,
        at,
        "workspace.create",
        "alice",
        n % 2 == 0,
        userId,
        "ws-1",
        "req-" + n,
        "10.0.0.1",
        details);
  }
}
