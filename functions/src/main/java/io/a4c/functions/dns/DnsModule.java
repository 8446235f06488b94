package io.a4c.functions.dns;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Clock;
import javax.inject.Provider;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.route53.Route53Client;

/** Chooses where workspace hostnames are written, from the environment. */
@Module
public final class DnsModule {
  private DnsModule() {}

  /**
   * Route 53 when a hosted zone is configured (AWS), else the records table the local runtime's DNS
   * server reads. Neither client is made here: Route 53's on the first write, DynamoDB's is the one
   * every store shares.
   */
  @Provides
  @Singleton
  static WorkspaceDns workspaceDns(
      FunctionsConfig config,
      Lazy<Route53Client> route53,
      Provider<DynamoDbClient> dynamo,
      Clock clock) {
    FunctionsConfig.Dns dns = config.dns();
    if (dns.zoneId() != null) {
      return new Route53WorkspaceDns(route53, dns.zoneId());
    }
    return new TableWorkspaceDns(dynamo.get(), dns.recordsTable(), clock);
  }
}
