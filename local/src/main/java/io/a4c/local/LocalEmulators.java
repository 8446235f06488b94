package io.a4c.local;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.local.embedded.Dynoxide;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 * The AWS stand-ins of the local runtime, without the rest of it (no Docker engine, no HTTP
 * server): Dynoxide (the local DynamoDB engine, a child process) with A4C's tables, and ElasticMQ,
 * both on loopback, keeping their data under one directory. {@link LocalRuntime} starts them
 * through this class; a benchmark of the functions alone starts just this. Closing stops both.
 */
public final class LocalEmulators implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Dynoxide dynamoDb;
  private final EmbeddedSqs sqs;
  private final String pageTokenKey;
  private final Path sshCaKeyFile;

  /**
   * Where the engines listen and where Dynoxide is installed.
   *
   * @param dynamoDbPort Dynoxide's port on 127.0.0.1 (0: a free one)
   * @param sqsPort ElasticMQ's port on 127.0.0.1 (0: a free one)
   * @param dynoxideDirectory where Dynoxide's npm package is, if a setting says so (else null)
   */
  public record Settings(int dynamoDbPort, int sqsPort, Path dynoxideDirectory) {
    /** Free ports, Dynoxide where {@code local/engines.sh install} put it. */
    public static Settings defaults() {
      return new Settings(0, 0, null);
    }
  }

  private LocalEmulators(Path dataDir, Settings settings) throws Exception {
    try {
      dynamoDb =
          Dynoxide.start(
              settings.dynoxideDirectory(),
              dataDir.resolve(Dynoxide.DIRECTORY),
              settings.dynamoDbPort());
      started.push(dynamoDb);
      sqs = EmbeddedSqs.start(settings.sqsPort(), dataDir.resolve("sqs"));
      started.push(sqs);
      try (DynamoDbClient dynamo = dynamoDbClient()) {
        LocalTables.ensure(dynamo);
      }
      pageTokenKey = LocalSecrets.pageTokenKey(dataDir);
      sshCaKeyFile = LocalSecrets.sshCaKey(dataDir);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Starts both with their defaults; they keep their data under {@code dataDir}. */
  public static LocalEmulators start(Path dataDir) throws Exception {
    return new LocalEmulators(dataDir, Settings.defaults());
  }

  /** Starts both as {@code settings} say; they keep their data under {@code dataDir}. */
  public static LocalEmulators start(Path dataDir, Settings settings) throws Exception {
    return new LocalEmulators(dataDir, settings);
  }

  /**
   * What every function needs to find the stand-ins: the tables, the endpoints, the region, the
   * page token key and the SSH CA's key file. The runtime and the benchmarks add their own settings
   * to it.
   */
  public Map<String, String> engineEnvironment() {
    return Map.ofEntries(
        Map.entry(FunctionsEnv.WORKSPACES_TABLE, LocalTables.WORKSPACES),
        Map.entry(FunctionsEnv.PROJECTS_TABLE, LocalTables.PROJECTS),
        Map.entry(FunctionsEnv.IMAGES_TABLE, LocalTables.IMAGES),
        Map.entry(FunctionsEnv.HOSTS_TABLE, LocalTables.HOSTS),
        Map.entry(FunctionsEnv.HOST_IMAGES_TABLE, LocalTables.HOST_IMAGES),
        Map.entry(FunctionsEnv.IDEMPOTENCY_TABLE, LocalTables.IDEMPOTENCY),
        Map.entry(FunctionsEnv.AUDIT_TABLE, LocalTables.AUDIT),
        Map.entry(FunctionsEnv.USAGE_TABLE, LocalTables.USAGE),
        Map.entry(FunctionsEnv.BUILD_SCHEDULES_TABLE, LocalTables.BUILD_SCHEDULES),
        Map.entry(FunctionsEnv.BUILD_LOGS_TABLE, LocalTables.BUILD_LOGS),
        Map.entry(FunctionsEnv.DNS_RECORDS_TABLE, LocalTables.DNS_RECORDS),
        Map.entry(FunctionsEnv.SSH_KEYS_TABLE, LocalTables.SSH_KEYS),
        Map.entry(FunctionsEnv.PAGE_TOKEN_KEY, pageTokenKey),
        Map.entry(FunctionsEnv.SSH_CA_KEY_FILE, sshCaKeyFile.toString()),
        Map.entry(FunctionsEnv.AWS_REGION, LocalRuntime.REGION),
        Map.entry(FunctionsEnv.DYNAMODB_ENDPOINT, dynamoDb.endpoint().toString()),
        Map.entry(FunctionsEnv.SQS_ENDPOINT, sqs.endpoint().toString()));
  }

  /**
   * The functions' environment for a benchmark of the functions alone: {@link #engineEnvironment}
   * plus plain build queues (no dead-letter queues: nothing here dead-letters), the email sender,
   * the default image repository and the given host queue prefix. Other variables keep their
   * defaults, so hosts are authenticated as in AWS, by the SenderId of their messages. No email
   * endpoint: nothing here sends mail.
   */
  public Map<String, String> functionsEnvironment(String hostQueuePrefix) {
    var env = new HashMap<>(engineEnvironment());
    try (SqsClient client = sqsClient()) {
      for (Arch arch : Arch.values()) {
        env.put(
            FunctionsEnv.buildQueueUrl(arch),
            client.createQueue(b -> b.queueName(LocalBuilds.queueName(arch))).queueUrl());
      }
    }
    env.put(FunctionsEnv.EMAIL_SENDER, LocalBuilds.EMAIL_SENDER);
    env.put(FunctionsEnv.IMAGE_REPOSITORY, LocalConfig.DEFAULT_IMAGE_REPOSITORY);
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, hostQueuePrefix);
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
    return sqsClient(Duration.ofSeconds(30));
  }

  /**
   * An SQS client for ElasticMQ whose reads wait up to {@code socketTimeout}: longer than the long
   * polls it makes. The caller closes it.
   */
  public SqsClient sqsClient(Duration socketTimeout) {
    return SqsClient.builder()
        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout).build())
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
