package io.a4c.functions.projects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Projects in DynamoDB, one item per project holding its JSON. Projects are read by name only, so
 * one document attribute is simpler than mapping every field. Thread-safe.
 */
@Singleton
public final class ProjectStore {
  /** The attribute holding the project's JSON. */
  private static final String DOC = "doc";

  private final DynamoDbClient dynamo;
  private final String table;
  private final ObjectMapper json;

  @Inject
  ProjectStore(DynamoDbClient dynamo, FunctionsConfig config, ObjectMapper json) {
    this(dynamo, config.projectsTable(), json);
  }

  ProjectStore(DynamoDbClient dynamo, String table, ObjectMapper json) {
    this.dynamo = dynamo;
    this.table = table;
    this.json = json;
  }

  /** Creates or replaces a project. */
  public void put(Project project) {
    String doc;
    try {
      doc = json.writeValueAsString(project);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("project could not be serialised", e);
    }
    var item =
        ItemWriter.item()
            .key(A4cTables.PROJECTS.key(project.projectName()))
            .string(DOC, doc)
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  /** Every project. A handful of items, read by the recurring-builds scheduler only. */
  public java.util.List<Project> all() {
    return dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
        .map(item -> read(ItemReader.of(item).string(DOC), "a stored project"))
        .toList();
  }

  /**
   * The stored project, each of its lists that names an entry once holding it once ({@link
   * ProjectConfig#withoutRepeats}): an item written before {@code PUT} refused repeats may hold
   * them. The item itself is left as it is, until the project is next written.
   */
  private Project read(String doc, String which) {
    Project stored;
    try {
      stored = json.readValue(doc, Project.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(which + " could not be read", e);
    }
    var config = stored.config().withoutRepeats();
    return config == stored.config()
        ? stored
        : new Project(stored.projectName(), config, stored.updatedAt());
  }

  /** The project, if it exists. */
  public Optional<Project> get(String projectName) {
    return Reads.item(dynamo, table, A4cTables.PROJECTS.key(projectName), false)
        .map(item -> read(ItemReader.of(item).string(DOC), "stored project " + projectName));
  }
}
