package io.a4c.functions.dns;

import dagger.Lazy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeResourceRecordSetsRequest;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Workspace A records in the Route 53 private hosted zone the CDK stack makes ({@code
 * A4C_DNS_ZONE_ID}): one ChangeResourceRecordSets call per write, which the functions' role may
 * make on that zone alone. The client is made on the first write, so a function that never writes a
 * record (most calls of most functions) pays nothing for it at cold start. Thread-safe.
 */
public final class Route53WorkspaceDns implements WorkspaceDns {
  private static final Logger log = LoggerFactory.getLogger(Route53WorkspaceDns.class);

  private final Lazy<Route53Client> route53;
  private final String zoneId;

  public Route53WorkspaceDns(Lazy<Route53Client> route53, String zoneId) {
    this.route53 = route53;
    this.zoneId = zoneId;
  }

  @Override
  public void upsert(String hostname, String ip) {
    route53.get().changeResourceRecordSets(request(ChangeAction.UPSERT, hostname, ip));
  }

  @Override
  public void delete(String hostname, String ip) {
    try {
      route53.get().changeResourceRecordSets(request(ChangeAction.DELETE, hostname, ip));
    } catch (InvalidChangeBatchException e) {
      // A DELETE names the record's value and TTL, and Route 53 refuses the batch when no record
      // matches: the record is gone (an earlier delete) or points elsewhere (the reconciler moved
      // it). Either way nothing of this address is left to remove, as TableWorkspaceDns does.
      log.atInfo()
          .addKeyValue("hostname", hostname)
          .addKeyValue("ip", ip)
          .addKeyValue(
              "why", e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage())
          .log("DNS record already gone or moved; left as it is");
    }
  }

  /** The one-change batch of {@code action} on the A record {@code hostname} → {@code ip}. */
  private ChangeResourceRecordSetsRequest request(ChangeAction action, String hostname, String ip) {
    return ChangeResourceRecordSetsRequest.builder()
        .hostedZoneId(zoneId)
        .changeBatch(
            batch ->
                batch
                    .comment("a4c workspace " + hostname)
                    .changes(
                        change ->
                            change
                                .action(action)
                                .resourceRecordSet(
                                    set ->
                                        set.name(hostname)
                                            .type(RRType.A)
                                            .ttl((long) WorkspaceDns.TTL_SECONDS)
                                            .resourceRecords(r -> r.value(ip)))))
        .build();
  }
}
