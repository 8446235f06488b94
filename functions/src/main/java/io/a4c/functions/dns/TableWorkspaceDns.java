package io.a4c.functions.dns;

import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Workspace A records in a DynamoDB table keyed by hostname ({@link A4cTables#DNS_RECORDS}), for
 * where there is no Route 53: the local runtime, whose DNS server ({@code LocalDnsServer}) answers
 * from this table, and the functions' tests. The CDK stack does not deploy the table. Thread-safe.
 */
public final class TableWorkspaceDns implements WorkspaceDns {
  private static final Logger log = LoggerFactory.getLogger(TableWorkspaceDns.class);

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;

  public TableWorkspaceDns(DynamoDbClient dynamo, String table, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.clock = clock;
  }

  @Override
  public void upsert(String hostname, String ip) {
    var item =
        ItemWriter.item()
            .string(A4cTables.DNS_RECORDS.partitionKey(), key(hostname))
            .string("ip", ip)
            .number("ttl", WorkspaceDns.TTL_SECONDS)
            .instant("updatedAt", clock.instant())
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  @Override
  public void delete(String hostname, String ip) {
    // Conditional on the address: the reconciler may have moved the record since the caller read
    // the workspace, and a late delete must not take the new address away.
    boolean deleted =
        Writes.conditionally(
            () ->
                dynamo.deleteItem(
                    b ->
                        b.tableName(table)
                            .key(A4cTables.DNS_RECORDS.key(key(hostname)))
                            .conditionExpression("ip = :ip")
                            .expressionAttributeValues(Map.of(":ip", Values.s(ip)))));
    if (!deleted) {
      log.atInfo()
          .addKeyValue("hostname", hostname)
          .addKeyValue("ip", ip)
          .log("DNS record already gone or moved; left as it is");
    }
  }

  /** The record of {@code hostname} (any case, with or without the trailing dot), if any. */
  public Optional<DnsRecord> lookup(String hostname) {
    return Reads.item(dynamo, table, A4cTables.DNS_RECORDS.key(key(hostname)), true)
        .map(
            item -> {
              ItemReader read = ItemReader.of(item);
              return new DnsRecord(
                  read.string(A4cTables.DNS_RECORDS.partitionKey()),
                  read.string("ip"),
                  read.integer("ttl"),
                  read.instant("updatedAt"));
            });
  }

  /** DNS names are case-insensitive: one stored form, lower case, no trailing dot. */
  private static String key(String hostname) {
    String name = hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname;
    return name.toLowerCase(java.util.Locale.ROOT);
  }
}
