package io.a4c.local;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the tables locally with the same keys the CDK app declares (infra/cdk), if missing. */
final class LocalTables {
  static final String WORKSPACES = "a4c-workspaces";
  static final String PROJECTS = "a4c-projects";
  static final String IMAGES = "a4c-images";
  static final String HOSTS = "a4c-hosts";
  static final String IDEMPOTENCY = "a4c-idempotency";
  static final String AUDIT = "a4c-audit";
  static final String USAGE = "a4c-usage";
  static final String BUILD_SCHEDULES = "a4c-build-schedules";
  static final String BUILD_LOGS = "a4c-build-logs";

  private LocalTables() {}

  static void ensure(DynamoDbClient dynamo) {
    var byHost =
        GlobalSecondaryIndex.builder()
            .indexName("byHost")
            .keySchema(hash("hostId"), range("workspaceId"))
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
            .build();
    // Sparse: only PENDING, CREATING and DELETING workspaces carry inFlight; the sweeper reads it.
    var byInFlight =
        GlobalSecondaryIndex.builder()
            .indexName("byInFlight")
            .keySchema(hash("inFlight"), range("updatedAt"))
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
            .build();
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(WORKSPACES)
            .keySchema(hash("userId"), range("workspaceId"))
            .attributeDefinitions(
                string("userId"),
                string("workspaceId"),
                string("hostId"),
                string("inFlight"),
                string("updatedAt"))
            .globalSecondaryIndexes(byHost, byInFlight));
    addMissingIndex(
        dynamo, WORKSPACES, byInFlight, List.of(string("inFlight"), string("updatedAt")));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(PROJECTS)
            .keySchema(hash("projectName"))
            .attributeDefinitions(string("projectName")));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(IMAGES)
            .keySchema(hash("imageKey"), range("change"))
            .attributeDefinitions(string("imageKey"), string("change")));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(HOSTS)
            .keySchema(hash("hostId"))
            .attributeDefinitions(string("hostId")));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(IDEMPOTENCY)
            .keySchema(hash("idempotencyKey"))
            .attributeDefinitions(string("idempotencyKey")));
    // The audit trail: one stream, newest first; sparse index byUser for one user's entries.
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(AUDIT)
            .keySchema(hash("stream"), range("entryId"))
            .attributeDefinitions(string("stream"), string("entryId"), string("userId"))
            .globalSecondaryIndexes(
                GlobalSecondaryIndex.builder()
                    .indexName("byUser")
                    .keySchema(hash("userId"), range("entryId"))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build()));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(USAGE)
            .keySchema(hash("userId"))
            .attributeDefinitions(string("userId")));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(BUILD_SCHEDULES)
            .keySchema(hash("userId"), range("scheduleId"))
            .attributeDefinitions(
                string("userId"), string("scheduleId"), string("status"), string("scheduledAt"))
            .globalSecondaryIndexes(
                GlobalSecondaryIndex.builder()
                    .indexName("byStatus")
                    .keySchema(hash("status"), range("scheduledAt"))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build()));
    create(
        dynamo,
        CreateTableRequest.builder()
            .tableName(BUILD_LOGS)
            .keySchema(hash("scheduleId"))
            .attributeDefinitions(string("scheduleId")));
  }

  private static void create(DynamoDbClient dynamo, CreateTableRequest.Builder request) {
    try {
      dynamo.createTable(request.billingMode(BillingMode.PAY_PER_REQUEST).build());
    } catch (ResourceInUseException e) {
      // exists from an earlier run: the data survives restarts
    }
  }

  /** Data directories from before an index existed get it added. */
  private static void addMissingIndex(
      DynamoDbClient dynamo,
      String table,
      GlobalSecondaryIndex index,
      List<AttributeDefinition> attributes) {
    var existing = dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes();
    if (existing.stream().anyMatch(i -> i.indexName().equals(index.indexName()))) {
      return;
    }
    dynamo.updateTable(
        b ->
            b.tableName(table)
                .attributeDefinitions(attributes)
                .globalSecondaryIndexUpdates(
                    u ->
                        u.create(
                            c ->
                                c.indexName(index.indexName())
                                    .keySchema(index.keySchema())
                                    .projection(index.projection()))));
  }

  private static KeySchemaElement hash(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
  }

  private static KeySchemaElement range(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
  }

  private static AttributeDefinition string(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  static List<String> names() {
    return List.of(
        WORKSPACES,
        PROJECTS,
        IMAGES,
        HOSTS,
        IDEMPOTENCY,
        AUDIT,
        USAGE,
        BUILD_SCHEDULES,
        BUILD_LOGS);
  }
}
