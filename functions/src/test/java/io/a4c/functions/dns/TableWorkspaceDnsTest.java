package io.a4c.functions.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The records table the local DNS server answers from, on Dynoxide. */
class TableWorkspaceDnsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final String NAME = "ws-1.ws.a4c.internal";

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  private TableWorkspaceDns dns;

  @BeforeEach
  void aFreshTable() {
    dns = new TableWorkspaceDns(dynamo.client(), dynamo.table(A4cTables.DNS_RECORDS), clock);
  }

  @Test
  void anUpsertedNameResolvesToItsAddressWithTheShortTtl() {
    dns.upsert(NAME, "10.251.2.7");

    assertThat(dns.lookup(NAME))
        .contains(new DnsRecord(NAME, "10.251.2.7", WorkspaceDns.TTL_SECONDS, clock.instant()));
  }

  @Test
  void aSecondUpsertMovesTheRecordAndIsIdempotent() {
    dns.upsert(NAME, "10.251.2.7");
    clock.advance(Duration.ofSeconds(5));
    dns.upsert(NAME, "10.251.2.8");
    dns.upsert(NAME, "10.251.2.8");

    assertThat(dns.lookup(NAME).orElseThrow().ip()).isEqualTo("10.251.2.8");
    assertThat(dns.lookup(NAME).orElseThrow().updatedAt()).isEqualTo(clock.instant());
  }

  @Test
  void namesAreFoundWhateverTheirCaseAndTrailingDot() {
    dns.upsert("WS-1.Ws.A4C.Internal.", "10.251.2.7");

    assertThat(dns.lookup(NAME + ".")).map(DnsRecord::ip).contains("10.251.2.7");
    assertThat(dns.lookup(NAME)).map(DnsRecord::hostname).contains(NAME);
  }

  @Test
  void aDeleteOfTheStoredAddressRemovesTheRecord() {
    dns.upsert(NAME, "10.251.2.7");

    dns.delete(NAME, "10.251.2.7");

    assertThat(dns.lookup(NAME)).isEmpty();
  }

  @Test
  void aLateDeleteOfAnOldAddressLeavesTheMovedRecord() {
    dns.upsert(NAME, "10.251.2.7");
    dns.upsert(NAME, "10.251.2.8");

    dns.delete(NAME, "10.251.2.7");

    assertThat(dns.lookup(NAME)).map(DnsRecord::ip).contains("10.251.2.8");
  }

  @Test
  void deletingANameThatIsGoneIsANoOp() {
    dns.delete(NAME, "10.251.2.7");
    dns.upsert(NAME, "10.251.2.7");
    dns.delete(NAME, "10.251.2.7");
    dns.delete(NAME, "10.251.2.7");

    assertThat(dns.lookup(NAME)).isEmpty();
  }
}
