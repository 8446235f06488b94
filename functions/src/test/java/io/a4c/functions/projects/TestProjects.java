package io.a4c.functions.projects;

import io.a4c.events.EventJson;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The project service over its real stores, for service tests outside this package (the stores'
 * constructors are the package's own).
 */
public final class TestProjects {
  private TestProjects() {}

  /** A project service over the tables {@code config} names. */
  public static ProjectService service(
      DynamoDbClient dynamo, FunctionsConfig config, Clock clock, AuditLog audit) {
    return new ProjectService(
        new ProjectStore(dynamo, config, EventJson.newMapper()),
        new ImageStore(dynamo, config),
        clock,
        audit);
  }

  /** The project store over the table {@code config} names. */
  public static ProjectStore projects(DynamoDbClient dynamo, FunctionsConfig config) {
    return new ProjectStore(dynamo, config, EventJson.newMapper());
  }

  /** The image store over the table {@code config} names. */
  public static ImageStore images(DynamoDbClient dynamo, FunctionsConfig config) {
    return new ImageStore(dynamo, config);
  }
}
