package io.a4c.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.a4c.functions.hosts.NoHostAvailableException;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.ProjectLifecycle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml itself: it lists exactly the routes the code serves (so a new route cannot be
 * forgotten), and it is a sound OpenAPI 3.1 document.
 */
class OpenApiDocumentTest {
  // Read as plain YAML, apart from the contract: a broken document still gets precise failures.
  private static final JsonNode document = read();

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(OpenApiContract.locate().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyRouteTheCodeServesIsAnOperationOfTheDocument() {
    Set<String> routes =
        ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).collect(Collectors.toSet());

    assertThat(operations().keySet()).containsAll(routes);
  }

  @Test
  void everyOperationOfTheDocumentIsARouteTheCodeServesUnlessLocalOnly() {
    Set<String> routes =
        ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).collect(Collectors.toSet());
    Set<String> deployed =
        operations().entrySet().stream()
            .filter(operation -> !isLocalOnly(operation.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());

    assertThat(deployed).containsExactlyInAnyOrderElementsOf(routes);
    assertThat(operations()).containsKeys("GET /healthz", "POST /local/tokens");
  }

  @Test
  void compilesIntoTheSharedContract() {
    assertThatCode(OpenApiContract::shared).doesNotThrowAnyException();
  }

  @Test
  void isAnOpenApi31Document() {
    assertThat(document.path("openapi").asText()).matches("3\\.1\\.\\d+");
    assertThat(document.path("info").path("title").asText()).isNotBlank();
    assertThat(document.path("info").path("version").asText()).isNotBlank();
    assertThat(document.path("paths").isObject()).isTrue();
  }

  @Test
  void everyRefResolvesInsideTheDocument() {
    List<String> unresolved = new ArrayList<>();
    walk(
        document,
        "",
        (node, pointer) -> {
          JsonNode ref = node.get("$ref");
          if (ref != null
              && (!ref.asText().startsWith("#/")
                  || document.at(JsonPointer.compile(ref.asText().substring(1))).isMissingNode())) {
            unresolved.add("#" + pointer + " -> " + ref.asText());
          }
        });

    assertThat(unresolved).isEmpty();
  }

  @Test
  void everyOperationListsItsResponsesAndEveryDeployedOneNeedsABearerToken() {
    forEachOperation(
        (key, operation) -> {
          assertThat(operation.path("operationId").asText()).as(key).isNotBlank();
          assertThat(operation.path("description").asText() + operation.path("summary").asText())
              .as(key)
              .isNotBlank();
          assertThat(operation.path("responses").size()).as(key).isPositive();
          assertThat(operation.path("responses").has("default"))
              .as(key + " lists every status, no default")
              .isFalse();
          JsonNode security =
              operation.has("security") ? operation.get("security") : document.path("security");
          if (isLocalOnly(operation)) {
            assertThat(operation.path("description").asText())
                .as(key)
                .contains("only in the local runtime");
          } else {
            assertThat(security.toString()).as(key).contains("bearerJwt");
            assertThat(operation.path("responses").has("401")).as(key).isTrue();
            assertThat(operation.path("responses").has("500")).as(key).isTrue();
          }
        });
    assertThat(document.at("/components/securitySchemes/bearerJwt/scheme").asText())
        .isEqualTo("bearer");
    assertThat(document.at("/components/securitySchemes/bearerJwt/bearerFormat").asText())
        .isEqualTo("JWT");
  }

  @Test
  void everyPathParameterOfATemplateIsDeclaredAndRequired() {
    document
        .path("paths")
        .fieldNames()
        .forEachRemaining(
            template -> {
              JsonNode item = document.path("paths").get(template);
              for (String name : PathTemplate.of(template).parameterNames()) {
                for (String method : OpenApiOperations.METHODS) {
                  if (!item.has(method)) {
                    continue;
                  }
                  List<JsonNode> declared = new ArrayList<>();
                  item.path("parameters").forEach(p -> declared.add(resolve(p)));
                  item.get(method).path("parameters").forEach(p -> declared.add(resolve(p)));
                  assertThat(declared)
                      .as(method + " " + template + " declares {" + name + "}")
                      .anySatisfy(
                          p -> {
                            assertThat(p.path("name").asText()).isEqualTo(name);
                            assertThat(p.path("in").asText()).isEqualTo("path");
                            assertThat(p.path("required").asBoolean()).isTrue();
                          });
                }
              }
            });
  }

  @Test
  void everyErrorResponseIsAProblemAndEverySuccessIsJsonOrNoContent() {
    forEachOperation(
        (key, operation) ->
            operation
                .path("responses")
                .fieldNames()
                .forEachRemaining(
                    status -> {
                      JsonNode content =
                          resolve(operation.path("responses").get(status)).path("content");
                      List<String> types = new ArrayList<>();
                      content.fieldNames().forEachRemaining(types::add);
                      boolean localHealth = key.equals("GET /healthz");
                      // The known_hosts line is served as the text a user appends to the file.
                      if (key.equals("GET /v1/ssh/known-hosts") && status.equals("200")) {
                        assertThat(types).as(key + " " + status).containsExactly("text/plain");
                        return;
                      }
                      if (status.equals("204")) {
                        // No Content: a success that has nothing to say (an SSH key removed).
                        assertThat(types).as(key + " " + status).isEmpty();
                        return;
                      }
                      assertThat(types)
                          .as(key + " " + status)
                          .containsExactly(
                              status.startsWith("2") || localHealth
                                  ? "application/json"
                                  : "application/problem+json");
                    }));
  }

  @Test
  void everyRequestBodyRefusesMembersItDoesNotName() {
    forEachOperation(
        (key, operation) -> {
          if (operation.has("requestBody")) {
            JsonNode schema =
                resolve(
                    resolve(operation.get("requestBody")).at("/content/application~1json/schema"));
            assertClosed(key, schema, new HashSet<>());
          }
        });
  }

  @Test
  void problemTypesAreTheOnesTheCodeAnswersWith() throws IOException {
    Set<String> uris =
        Arrays.stream(ProblemType.values()).map(ProblemType::uri).collect(Collectors.toSet());
    Set<String> documented = new HashSet<>();
    document
        .path("components")
        .path("schemas")
        .forEach(
            schema -> {
              JsonNode type = schema.at("/allOf/1/properties/type/const");
              if (!type.isMissingNode()) {
                documented.add(type.asText());
              }
            });
    String problems = Files.readString(OpenApiContract.locate().resolveSibling("problems.md"));

    assertThat(uris).containsAll(documented);
    for (ProblemType type : ProblemType.values()) {
      assertThat(problems)
          .as("docs/problems.md describes " + type)
          .contains(type.uri())
          .contains("| " + type.status() + " ");
    }
  }

  @Test
  void unavailableReasonsAreThoseOfPlacementAndOfTheCommandQueue() {
    Set<String> reasons = new HashSet<>();
    document
        .at("/components/schemas/UnavailableProblem/allOf/1/properties/reason/enum")
        .forEach(r -> reasons.add(r.asText()));
    Set<String> expected =
        Arrays.stream(NoHostAvailableException.Reason.values())
            .map(NoHostAvailableException.Reason::code)
            .collect(Collectors.toSet());
    expected.addAll(Set.of("host-queue-missing", "queue-unreachable"));

    assertThat(reasons).isEqualTo(expected);
  }

  @Test
  void theLifecycleMaximaAreTheOnesTheApiEnforces() {
    JsonNode lifecycle = resolve(document.at("/components/schemas/ProjectLifecycle"));

    assertThat(lifecycle.at("/properties/idleStopMinutes/maximum").asInt(-1))
        .isEqualTo(ProjectLifecycle.MAX_IDLE_STOP_MINUTES)
        .isEqualTo(10080);
    assertThat(lifecycle.at("/properties/deleteAfterStoppedDays/maximum").asInt(-1))
        .isEqualTo(ProjectLifecycle.MAX_DELETE_AFTER_STOPPED_DAYS)
        .isEqualTo(3650);
    assertThat(lifecycle.at("/properties/idleStopMinutes/minimum").asInt(-1)).isZero();
    assertThat(lifecycle.at("/properties/deleteAfterStoppedDays/minimum").asInt(-1)).isZero();
  }

  @Test
  void aProjectNamesEachParentOnce() {
    JsonNode parents = resolve(document.at("/components/schemas/ProjectConfig/properties/parents"));

    assertThat(parents.path("uniqueItems").asBoolean(false)).isTrue();
  }

  @Test
  void aProjectListsEachToolBuilderAndRecurringBuildOnceButMayRepeatASetupCommand() {
    for (String list : List.of("tools", "builders", "recurringBuilds")) {
      JsonNode schema =
          resolve(document.at("/components/schemas/ProjectConfig/properties/" + list));
      assertThat(schema.path("uniqueItems").asBoolean(false)).as(list).isTrue();
    }
    JsonNode setup = resolve(document.at("/components/schemas/ProjectConfig/properties/setup"));
    assertThat(setup.path("uniqueItems").asBoolean(false)).isFalse();
  }

  /** Object schemas, and the objects inside them, must say {@code additionalProperties: false}. */
  private static void assertClosed(String where, JsonNode schema, Set<JsonNode> seen) {
    if (!seen.add(schema)) {
      return;
    }
    if ("object".equals(schema.path("type").asText()) || schema.has("properties")) {
      assertThat(
              schema.path("additionalProperties").isBoolean()
                  && !schema.path("additionalProperties").asBoolean())
          .as(
              where
                  + ": "
                  + schema.path("description").asText(schema.toString())
                  + " refuses unknown members")
          .isTrue();
    }
    schema.path("properties").forEach(p -> assertClosed(where, resolve(p), seen));
    if (schema.has("items")) {
      assertClosed(where, resolve(schema.get("items")), seen);
    }
    for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
      schema.path(combinator).forEach(s -> assertClosed(where, resolve(s), seen));
    }
  }

  /** Every operation by {@code METHOD /path/template}. */
  private static Map<String, JsonNode> operations() {
    Map<String, JsonNode> operations = new TreeMap<>();
    document
        .path("paths")
        .fieldNames()
        .forEachRemaining(
            template -> {
              JsonNode item = resolve(document.path("paths").get(template));
              for (String method : OpenApiOperations.METHODS) {
                if (item.has(method)) {
                  operations.put(
                      method.toUpperCase(Locale.ROOT) + " " + template, item.get(method));
                }
              }
            });
    return operations;
  }

  private static void forEachOperation(BiConsumer<String, JsonNode> action) {
    operations().forEach(action);
  }

  private static boolean isLocalOnly(JsonNode operation) {
    return operation.path(OpenApiOperations.LOCAL_ONLY).asBoolean(false);
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      current = document.at(JsonPointer.compile(current.get("$ref").asText().substring(1)));
    }
    return current;
  }

  private static void walk(JsonNode node, String pointer, BiConsumer<JsonNode, String> visit) {
    if (node.isObject()) {
      visit.accept(node, pointer);
      node.fieldNames()
          .forEachRemaining(
              name -> walk(node.get(name), pointer + "/" + OpenApiOperations.escape(name), visit));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, visit);
      }
    }
  }
}
