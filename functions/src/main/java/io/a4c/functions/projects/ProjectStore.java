package io.a4c.functions.projects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.functions.config.FunctionsConfig;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Projects in DynamoDB, one item per project holding its JSON. Projects are read by name only, so
 * one document attribute is simpler than mapping every field. Thread-safe.
 */
@Singleton
public final class ProjectStore {
  private final DynamoDbClient dynamo;
  private final String table;
  private final ObjectMapper json;

  @Inject
  ProjectStore(DynamoDbClient dynamo, FunctionsConfig config, ObjectMapper json) {
    this.dynamo = dynamo;
    this.table = config.projectsTable();
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
    dynamo.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        "projectName", AttributeValue.fromS(project.projectName()),
                        "doc", AttributeValue.fromS(doc))));
  }

  /** Every project. A handful of items, read by the recurring-builds scheduler only. */
  public java.util.List<Project> all() {
    return dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
        .map(item -> read(item.get("doc").s()))
        .toList();
  }

  private Project read(String doc) {
    try {
      return json.readValue(doc, Project.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored project could not be read", e);
    }
  }

  /** The project, if it exists. */
  public Optional<Project> get(String projectName) {
    var item =
        dynamo
            .getItem(
                b ->
                    b.tableName(table)
                        .key(Map.of("projectName", AttributeValue.fromS(projectName))))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(item.get("doc").s(), Project.class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored project " + projectName + " could not be read", e);
    }
  }
}
