package io.a4c.local;

import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.TableCreation;
import io.a4c.functions.dynamo.TableSpec;
import io.a4c.functions.projects.ImageStore;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local names of A4C's tables ({@code a4c-} and the CDK id in kebab case), created with the
 * keys and indexes {@link A4cTables} declares for the CDK app too, if missing.
 */
final class LocalTables {
  static final String WORKSPACES = A4cTables.WORKSPACES.localName();
  static final String PROJECTS = A4cTables.PROJECTS.localName();
  static final String IMAGES = A4cTables.IMAGES.localName();
  static final String HOSTS = A4cTables.HOSTS.localName();
  static final String HOST_IMAGES = A4cTables.HOST_IMAGES.localName();
  static final String IDEMPOTENCY = A4cTables.IDEMPOTENCY.localName();
  static final String AUDIT = A4cTables.AUDIT.localName();
  static final String USAGE = A4cTables.USAGE.localName();
  static final String BUILD_SCHEDULES = A4cTables.BUILD_SCHEDULES.localName();
  static final String BUILD_LOGS = A4cTables.BUILD_LOGS.localName();
  static final String DNS_RECORDS = A4cTables.DNS_RECORDS.localName();
  static final String SSH_KEYS = A4cTables.SSH_KEYS.localName();

  private LocalTables() {}

  /**
   * Creates the missing tables, and the indexes a table from an older data directory lacks, and
   * gives that directory's images what the newest-image index sorts by.
   */
  static void ensure(DynamoDbClient dynamo) {
    TableCreation.ensure(dynamo, TableSpec::localName);
    ImageStore.addOrderToOlderImages(dynamo, IMAGES);
  }

  static List<String> names() {
    return TableCreation.names(TableSpec::localName);
  }
}
