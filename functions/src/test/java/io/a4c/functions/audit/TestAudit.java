package io.a4c.functions.audit;

import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.PageTokens;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The audit log over its real store, for service tests outside this package (the store's
 * constructor is the package's own).
 */
public final class TestAudit {
  private TestAudit() {}

  /** An audit log over the table {@code config} names. */
  public static AuditLog log(DynamoDbClient dynamo, FunctionsConfig config, Clock clock) {
    return new AuditLog(new AuditStore(dynamo, config), new PageTokens(config), clock);
  }
}
