package io.a4c.functions.testing;

import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.TableCreation;
import io.a4c.functions.dynamo.TableSpec;
import io.a4c.local.embedded.Dynoxide;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local DynamoDB engine for store tests: one Dynoxide in memory for the whole run (a child
 * process that dies with the JVM), and before each test a fresh set of A4C's tables, created from
 * {@code A4cTables} under names of that test's own, so tests never see each other's items. No
 * Docker; needs {@code local/engines.sh install} (Dynoxide's npm package).
 *
 * <pre>{@code
 * @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
 * ... new WorkspaceStore(dynamo.client(), dynamo.table(A4cTables.WORKSPACES), ...)
 * }</pre>
 */
public final class DynamoDbEngine implements BeforeEachCallback {
  private static final AtomicInteger TEST = new AtomicInteger();
  private static Dynoxide engine;
  private static DynamoDbClient client;

  private String prefix;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    start();
    prefix = "t" + TEST.incrementAndGet() + "-";
    TableCreation.ensure(client, this::table);
  }

  private static synchronized void start() throws IOException, InterruptedException {
    if (engine != null) {
      return;
    }
    Path log = Files.createTempDirectory("a4c-dynoxide").resolve("dynoxide.log");
    engine = Dynoxide.inMemory(log);
    client = client(engine.endpoint());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.close();
                  engine.close();
                }));
  }

  private static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * The engine's endpoint, for a graph that makes its own clients ({@code A4C_DYNAMODB_ENDPOINT}).
   */
  public URI endpoint() {
    return engine.endpoint();
  }

  /** A client of the engine. */
  public DynamoDbClient client() {
    return client;
  }

  /** The name of {@code table} in the current test. */
  public String table(TableSpec table) {
    return prefix + table.localName();
  }

  /** The functions' table settings ({@code A4C_*_TABLE}), naming this test's tables. */
  public Map<String, String> tableSettings() {
    return Map.ofEntries(
        Map.entry(FunctionsEnv.WORKSPACES_TABLE, table(A4cTables.WORKSPACES)),
        Map.entry(FunctionsEnv.PROJECTS_TABLE, table(A4cTables.PROJECTS)),
        Map.entry(FunctionsEnv.IMAGES_TABLE, table(A4cTables.IMAGES)),
        Map.entry(FunctionsEnv.HOSTS_TABLE, table(A4cTables.HOSTS)),
        Map.entry(FunctionsEnv.HOST_IMAGES_TABLE, table(A4cTables.HOST_IMAGES)),
        Map.entry(FunctionsEnv.IDEMPOTENCY_TABLE, table(A4cTables.IDEMPOTENCY)),
        Map.entry(FunctionsEnv.AUDIT_TABLE, table(A4cTables.AUDIT)),
        Map.entry(FunctionsEnv.USAGE_TABLE, table(A4cTables.USAGE)),
        Map.entry(FunctionsEnv.BUILD_SCHEDULES_TABLE, table(A4cTables.BUILD_SCHEDULES)),
        Map.entry(FunctionsEnv.BUILD_LOGS_TABLE, table(A4cTables.BUILD_LOGS)),
        Map.entry(FunctionsEnv.DNS_RECORDS_TABLE, table(A4cTables.DNS_RECORDS)),
        Map.entry(FunctionsEnv.SSH_KEYS_TABLE, table(A4cTables.SSH_KEYS)));
  }
}
