package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.a4c.local.embedded.Dynoxide;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * What A4C's stores rely on from DynamoDB, asked of Dynoxide, the local engine every other test
 * runs on: per-item cancellation reasons, the error codes the stores catch, Query paging with
 * {@code Limit} and {@code ExclusiveStartKey} on a table and an index, consistent reads. Where
 * Dynoxide answers differently from the real service the test states the difference (and
 * docs/local-runtime.md says how A4C copes), so a new Dynoxide that changes it fails here first.
 */
class DynoxideCompatibilityTest {
  private static final String TABLE = "compat";
  private static final String INDEX = "byState";

  @TempDir static Path dataDir;
  private static Dynoxide engine;
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() throws Exception {
    engine = Dynoxide.start(null, dataDir, 0);
    dynamo =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .endpointOverride(engine.endpoint())
            .build();
    dynamo.createTable(
        b ->
            b.tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    attribute("pk"), attribute("sk"), attribute("state"), attribute("at"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName(INDEX)
                        .keySchema(key("state", KeyType.HASH), key("at", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build()));
    for (int i = 0; i < 5; i++) {
      put("u1", "w" + i, "RUNNING", "t" + i);
    }
  }

  @AfterAll
  static void stop() {
    if (dynamo != null) {
      dynamo.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void cancelledTransactionGivesOneReasonPerItemInOrder() {
    var e =
        catchThrowableOfType(
            TransactionCanceledException.class,
            () ->
                dynamo.transactWriteItems(
                    b ->
                        b.transactItems(
                            putIfAbsent("u2", "a"),
                            putIfAbsent("u1", "w0"), // exists: its condition fails
                            putIfAbsent("u2", "b"))));

    assertThat(e.cancellationReasons())
        .extracting(CancellationReason::code)
        .containsExactly("None", "ConditionalCheckFailed", "None");
    assertThat(dynamo.getItem(b -> b.tableName(TABLE).key(keyOf("u2", "a"))).hasItem())
        .as("nothing of a cancelled transaction is written")
        .isFalse();
  }

  @Test
  void failedConditionalWriteIsConditionalCheckFailed() {
    var e =
        catchThrowableOfType(
            ConditionalCheckFailedException.class,
            () ->
                dynamo.updateItem(
                    b ->
                        b.tableName(TABLE)
                            .key(keyOf("u1", "w1"))
                            .updateExpression("SET #s = :new")
                            .conditionExpression("#s = :expected")
                            .expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(
                                Map.of(":new", s("DELETING"), ":expected", s("PENDING")))));

    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ConditionalCheckFailedException");
    assertThat(e.statusCode()).isEqualTo(400);
  }

  @Test
  void conditionalUpdateOfAnIndexedAttributeMovesTheItemInTheIndex() {
    put("u3", "w", "PENDING", "t9");
    dynamo.updateItem(
        b ->
            b.tableName(TABLE)
                .key(keyOf("u3", "w"))
                .updateExpression("SET #s = :new")
                .conditionExpression("#s = :expected")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(
                    Map.of(":new", s("STOPPED"), ":expected", s("PENDING"))));

    // DynamoDB's indexes are eventually consistent: A4C never reads its own write through one.
    // Dynoxide's are updated with the item, so here the item has moved at once.
    assertThat(queryIndex("STOPPED", 10, null).items()).hasSize(1);
    assertThat(queryIndex("PENDING", 10, null).items()).isEmpty();
  }

  @Test
  void queryPagesWithLimitAndExclusiveStartKeyAsDynamoDbDoes() {
    List<String> seen = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page =
          dynamo.query(
              b -> {
                b.tableName(TABLE)
                    .keyConditionExpression("pk = :u")
                    .expressionAttributeValues(Map.of(":u", s("u1")))
                    .limit(2)
                    .consistentRead(true);
                if (from != null) {
                  b.exclusiveStartKey(from);
                }
              });
      page.items().forEach(item -> seen.add(item.get("sk").s()));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
      more.add(start != null);
    } while (start != null);

    assertThat(seen).containsExactly("w0", "w1", "w2", "w3", "w4");
    // Five items, two a page: the third page is short and says it is the last.
    assertThat(more).containsExactly(true, true, false);
  }

  @Test
  void fullLastPageStillCarriesLastEvaluatedKeyAsDynamoDbDoes() {
    put("u4", "a", "X", "1");
    put("u4", "b", "X", "2");
    QueryResponse page =
        dynamo.query(
            b ->
                b.tableName(TABLE)
                    .keyConditionExpression("pk = :u")
                    .expressionAttributeValues(Map.of(":u", s("u4")))
                    .limit(2));

    // The real service stops at Limit and hands a key back without looking further; the next
    // page is then empty. A4C's lists document this (a full last page has a nextToken).
    assertThat(page.items()).hasSize(2);
    assertThat(page.hasLastEvaluatedKey()).isTrue();
  }

  @Test
  void indexQueryPagesWithTheIndexAndTableKeysInLastEvaluatedKey() {
    QueryResponse first = queryIndex("RUNNING", 2, null);
    assertThat(first.lastEvaluatedKey()).containsOnlyKeys("pk", "sk", "state", "at");

    QueryResponse second = queryIndex("RUNNING", 10, first.lastEvaluatedKey());
    assertThat(second.items())
        .extracting(item -> item.get("sk").s())
        .containsExactly("w2", "w3", "w4");
  }

  @Test
  void consistentReadOnAnIndexIsRefusedAsDynamoDbRefusesIt() {
    assertThatThrownBy(
            () ->
                dynamo.query(
                    b ->
                        b.tableName(TABLE)
                            .indexName(INDEX)
                            .keyConditionExpression("#s = :s")
                            .expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(Map.of(":s", s("RUNNING")))
                            .consistentRead(true)))
        .isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(400));
  }

  @Test
  void racingTransactionsOnOneItemAreSerialisedNotCancelledWithTransactionConflict()
      throws Exception {
    put("u6", "counter", "X", "0");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    var conflicts = new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String sk = "t" + i;
        writes.add(
            pool.submit(
                () -> {
                  try {
                    dynamo.transactWriteItems(
                        b ->
                            b.transactItems(
                                TransactWriteItem.builder()
                                    .update(
                                        u ->
                                            u.tableName(TABLE)
                                                .key(keyOf("u6", "counter"))
                                                .updateExpression("ADD n :one")
                                                .expressionAttributeValues(
                                                    Map.of(":one", AttributeValue.fromN("1"))))
                                    .build(),
                                putIfAbsent("u6", sk)));
                  } catch (TransactionCanceledException e) {
                    if (e.cancellationReasons().stream()
                        .anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                      conflicts.incrementAndGet();
                    }
                  }
                }));
      }
      for (var write : writes) {
        write.get();
      }
    } finally {
      pool.shutdownNow();
    }

    // DynamoDB cancels a transaction that races another on the same item with a
    // TransactionConflict reason; Dynoxide runs them one after the other on SQLite, so that
    // race cannot be caused here (docs/local-runtime.md).
    assertThat(conflicts).hasValue(0);
    assertThat(
            dynamo.getItem(b -> b.tableName(TABLE).key(keyOf("u6", "counter"))).item().get("n").n())
        .isEqualTo("40");
  }

  @Test
  void missingTableIsResourceNotFound() {
    assertThatThrownBy(() -> dynamo.getItem(b -> b.tableName("a4c-none").key(keyOf("u", "w"))))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void itemOverFourHundredKilobytesIsRefused() {
    assertThatThrownBy(
            () ->
                dynamo.putItem(
                    b ->
                        b.tableName(TABLE)
                            .item(
                                Map.of(
                                    "pk", s("u5"),
                                    "sk", s("big"),
                                    "blob", s("x".repeat(401 * 1024))))))
        .isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(400));
  }

  private static QueryResponse queryIndex(
      String state, int limit, Map<String, AttributeValue> start) {
    return dynamo.query(
        b -> {
          b.tableName(TABLE)
              .indexName(INDEX)
              .keyConditionExpression("#s = :s")
              .expressionAttributeNames(Map.of("#s", "state"))
              .expressionAttributeValues(Map.of(":s", s(state)))
              .limit(limit);
          if (start != null) {
            b.exclusiveStartKey(start);
          }
        });
  }

  private static TransactWriteItem putIfAbsent(String pk, String sk) {
    return TransactWriteItem.builder()
        .put(
            p ->
                p.tableName(TABLE)
                    .item(Map.of("pk", s(pk), "sk", s(sk)))
                    .conditionExpression("attribute_not_exists(pk)"))
        .build();
  }

  private static void put(String pk, String sk, String state, String at) {
    dynamo.putItem(
        b ->
            b.tableName(TABLE)
                .item(Map.of("pk", s(pk), "sk", s(sk), "state", s(state), "at", s(at))));
  }

  private static Map<String, AttributeValue> keyOf(String pk, String sk) {
    return Map.of("pk", s(pk), "sk", s(sk));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
