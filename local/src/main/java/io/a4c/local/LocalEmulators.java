package io.a4c.local;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.local.embedded.Dynoxide;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Dynoxide (the local DynamoDB engine) with A4C's tables and ElasticMQ, on free loopback ports,
 * without the rest of the runtime (no Docker engine, no HTTP server): what a benchmark of the
 * functions alone needs. Closing stops both.
 */
public final class LocalEmulators implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Dynoxide dynamoDb;
  private final EmbeddedSqs sqs;
  private final String pageTokenKey;
  private final Map<String, String> buildQueueUrls = new HashMap<>();

  private LocalEmulators(Path dataDir) throws Exception {
    try {
      dynamoDb = Dynoxide.start(null, dataDir.resolve(Dynoxide.DIRECTORY), 0);
      started.push(dynamoDb);
      sqs = EmbeddedSqs.start(0, dataDir.resolve("sqs"));
      started.push(sqs);
      try (DynamoDbClient dynamo = dynamoDbClient()) {
        LocalTables.ensure(dynamo);
      }
      try (SqsClient client = sqsClient()) {
        for (Arch arch : Arch.values()) {
          buildQueueUrls.put(
              FunctionsEnv.buildQueueUrl(arch),
              client.createQueue(b -> b.queueName(LocalBuilds.queueName(arch))).queueUrl());
        }
      }
      pageTokenKey = LocalSecrets.pageTokenKey(dataDir);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Starts both emulators; Dynoxide keeps its data under {@code dataDir}. */
  public static LocalEmulators start(Path dataDir) throws Exception {
    return new LocalEmulators(dataDir);
  }

  /**
   * The functions' environment for these emulators: tables, queues, endpoints, region and a page
   * token key, plus the given host queue prefix. Other variables keep their defaults, so hosts are
   * authenticated as in AWS, by the SenderId of their messages. No email endpoint: nothing here
   * sends mail.
   */
  public Map<String, String> functionsEnvironment(String hostQueuePrefix) {
    var env = new HashMap<>(buildQueueUrls);
    env.putAll(
        Map.ofEntries(
            Map.entry(FunctionsEnv.WORKSPACES_TABLE, LocalTables.WORKSPACES),
            Map.entry(FunctionsEnv.PROJECTS_TABLE, LocalTables.PROJECTS),
            Map.entry(FunctionsEnv.IMAGES_TABLE, LocalTables.IMAGES),
            Map.entry(FunctionsEnv.HOSTS_TABLE, LocalTables.HOSTS),
            Map.entry(FunctionsEnv.IDEMPOTENCY_TABLE, LocalTables.IDEMPOTENCY),
            Map.entry(FunctionsEnv.AUDIT_TABLE, LocalTables.AUDIT),
            Map.entry(FunctionsEnv.USAGE_TABLE, LocalTables.USAGE),
            Map.entry(FunctionsEnv.BUILD_SCHEDULES_TABLE, LocalTables.BUILD_SCHEDULES),
            Map.entry(FunctionsEnv.BUILD_LOGS_TABLE, LocalTables.BUILD_LOGS),
            Map.entry(FunctionsEnv.EMAIL_SENDER, LocalBuilds.EMAIL_SENDER),
            Map.entry(FunctionsEnv.PAGE_TOKEN_KEY, pageTokenKey),
            Map.entry(FunctionsEnv.HOST_QUEUE_PREFIX, hostQueuePrefix),
            Map.entry(FunctionsEnv.AWS_REGION, LocalRuntime.REGION),
            Map.entry(FunctionsEnv.DYNAMODB_ENDPOINT, dynamoDb.endpoint().toString()),
            Map.entry(FunctionsEnv.SQS_ENDPOINT, sqs.endpoint().toString())));
    return Map.copyOf(env);
  }

  /** A DynamoDB client for Dynoxide; the caller closes it. */
  public DynamoDbClient dynamoDbClient() {
    return DynamoDbClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(LocalRuntime.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .endpointOverride(dynamoDb.endpoint())
        .build();
  }

  /** An SQS client for ElasticMQ; the caller closes it. */
  public SqsClient sqsClient() {
    return SqsClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.of(LocalRuntime.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .endpointOverride(sqs.endpoint())
        .build();
  }

  /** Dynoxide's endpoint. */
  public URI dynamoDbEndpoint() {
    return dynamoDb.endpoint();
  }

  /** ElasticMQ's endpoint. */
  public URI sqsEndpoint() {
    return sqs.endpoint();
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
