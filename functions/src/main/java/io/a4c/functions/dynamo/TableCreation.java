package io.a4c.functions.dynamo;

import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates A4C's tables from {@link A4cTables} on an engine that is not deployed by the CDK stack:
 * the local runtime's Dynoxide, and the store tests' one. Never called in a function (the minimised
 * Lambda jar leaves it out).
 */
public final class TableCreation {
  private TableCreation() {}

  /**
   * Creates every table that is missing, naming each with {@code name}, and adds any index an
   * existing table lacks (data directories from before an index existed).
   */
  public static void ensure(DynamoDbClient dynamo, Function<TableSpec, String> name) {
    for (TableSpec table : A4cTables.ALL) {
      ensure(dynamo, table, name.apply(table));
    }
  }

  private static void ensure(DynamoDbClient dynamo, TableSpec table, String name) {
    try {
      dynamo.createTable(
          b -> {
            b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    table.keyAttributes().stream().map(TableCreation::string).toList());
            if (table.sortKey() == null) {
              b.keySchema(hash(table.partitionKey()));
            } else {
              b.keySchema(hash(table.partitionKey()), range(table.sortKey()));
            }
            if (!table.indexes().isEmpty()) {
              b.globalSecondaryIndexes(table.indexes().stream().map(TableCreation::index).toList());
            }
          });
    } catch (ResourceInUseException e) {
      // exists from an earlier run (the data survives restarts): add what it lacks
      addMissingIndexes(dynamo, table, name);
    }
  }

  private static void addMissingIndexes(DynamoDbClient dynamo, TableSpec table, String name) {
    var existing = dynamo.describeTable(b -> b.tableName(name)).table().globalSecondaryIndexes();
    for (IndexSpec index : table.indexes()) {
      if (existing.stream().anyMatch(i -> i.indexName().equals(index.name()))) {
        continue;
      }
      var gsi = index(index);
      dynamo.updateTable(
          b ->
              b.tableName(name)
                  .attributeDefinitions(string(index.partitionKey()), string(index.sortKey()))
                  .globalSecondaryIndexUpdates(
                      u ->
                          u.create(
                              c ->
                                  c.indexName(gsi.indexName())
                                      .keySchema(gsi.keySchema())
                                      .projection(gsi.projection()))));
    }
  }

  private static GlobalSecondaryIndex index(IndexSpec index) {
    return GlobalSecondaryIndex.builder()
        .indexName(index.name())
        .keySchema(hash(index.partitionKey()), range(index.sortKey()))
        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
        .build();
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

  /** The names of every table under {@code name}. */
  public static List<String> names(Function<TableSpec, String> name) {
    return A4cTables.ALL.stream().map(name).toList();
  }
}
