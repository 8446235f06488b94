package io.a4c.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.oas.OpenApi31;
import io.a4c.cli.ApiTypes.CreateImageScheduleRequest;
import io.a4c.cli.ApiTypes.CreateWorkspaceRequest;
import io.a4c.cli.ApiTypes.HostStatusRequest;
import io.a4c.cli.ApiTypes.PutSshKeyRequest;
import io.a4c.cli.ApiTypes.RebuildWorkspaceRequest;
import io.a4c.cli.ApiTypes.TokenRequest;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI's hand-kept API types against {@code docs/openapi.yaml}, as the end-to-end tests check
 * the server against it: every record of {@link ApiTypes} names a schema, every property it reads
 * is one of that schema's with the same JSON type (a nested record: the schema its {@code $ref}
 * names), and every request body the CLI sends validates against its schema.
 */
class OpenApiTypesTest {
  private static final String IRI = "https://a4c.io/openapi.yaml";
  private static final Path DOCUMENT = Path.of("..", "docs", "openapi.yaml");
  private static final JsonNode SCHEMAS = read().path("components").path("schemas");

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Stream<Class<?>> types() {
    return Arrays.stream(ApiTypes.class.getDeclaredClasses()).filter(Class::isRecord);
  }

  @ParameterizedTest
  @MethodSource("types")
  void everyPropertyTheCliReadsIsInItsSchemaWithTheSameType(Class<?> type) {
    JsonNode schema = SCHEMAS.path(type.getSimpleName());
    assertThat(schema.isMissingNode())
        .as("docs/openapi.yaml has a schema %s", type.getSimpleName())
        .isFalse();
    var problems = new ArrayList<String>();
    check(type.getSimpleName(), type, schema, problems);
    assertThat(problems).as(type.getSimpleName()).isEmpty();
  }

  /**
   * Adds to {@code problems} what of record {@code type} does not match {@code schema}. A record
   * property's schema is the one its {@code $ref} names, the record's own name; a list of records
   * is checked against its {@code items}: a {@code $ref} naming the record, or an inline schema,
   * checked here property by property ({@code ProjectListing.parents}).
   */
  private static void check(String where, Class<?> type, JsonNode schema, List<String> problems) {
    for (RecordComponent component : type.getRecordComponents()) {
      String name = where + "." + component.getName();
      JsonNode property = schema.path("properties").path(component.getName());
      if (property.isMissingNode()) {
        problems.add(component.getName() + " is not a property of " + where);
        continue;
      }
      String expected = jsonType(component.getGenericType());
      String actual = declaredType(property);
      if (!expected.equals(actual)) {
        problems.add(
            component.getName() + ": the CLI reads " + expected + ", the schema says " + actual);
      }
      if (component.getType().isRecord()) {
        assertThat(refName(property)).as(name).isEqualTo(component.getType().getSimpleName());
      }
      if (component.getGenericType() instanceof ParameterizedType list
          && List.class.isAssignableFrom(component.getType())
          && list.getActualTypeArguments()[0] instanceof Class<?> element
          && element.isRecord()) {
        JsonNode items = resolve(property).path("items");
        if (items.has("$ref") || items.has("allOf")) {
          assertThat(refName(items)).as(name + "[]").isEqualTo(element.getSimpleName());
        } else {
          check(name + "[]", element, items, problems);
        }
      }
    }
  }

  @Test
  void aPropertyOfAnotherTypeOrNameIsCaught() {
    record Workspace(int state, String nickname) {}
    assertThat(jsonType(Workspace.class.getRecordComponents()[0].getGenericType()))
        .isNotEqualTo(declaredType(SCHEMAS.path("Workspace").path("properties").path("state")));
    assertThat(SCHEMAS.path("Workspace").path("properties").path("nickname").isMissingNode())
        .isTrue();
    // In a list's inline item schema too.
    record Image(String arch, int change) {}
    record Parent(String parentName, List<Image> images, String label) {}
    record ProjectListing(String projectName, List<Parent> parents) {}
    var problems = new ArrayList<String>();
    check("ProjectListing", ProjectListing.class, SCHEMAS.path("ProjectListing"), problems);
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "change: the CLI reads integer, the schema says string",
            "label is not a property of ProjectListing.parents[]");
  }

  static Stream<Object[]> requests() {
    return Stream.of(
        new Object[] {
          "CreateWorkspaceRequest", new CreateWorkspaceRequest("shop", "main", "amd64", null, null)
        },
        new Object[] {
          "CreateWorkspaceRequest",
          new CreateWorkspaceRequest("shop", "main", "arm64", "my box", "4711")
        },
        new Object[] {"RebuildWorkspaceRequest", new RebuildWorkspaceRequest(null)},
        new Object[] {"RebuildWorkspaceRequest", new RebuildWorkspaceRequest("4712")},
        new Object[] {"PutSshKeyRequest", new PutSshKeyRequest("ssh-ed25519 AAAAC3Nza me@laptop")},
        new Object[] {
          "CreateImageScheduleRequest",
          new CreateImageScheduleRequest("shop", "shop", "4711", null, null)
        },
        new Object[] {
          "CreateImageScheduleRequest",
          new CreateImageScheduleRequest("shop", "shop", "4711", "main", "arm64")
        },
        new Object[] {"HostStatusRequest", new HostStatusRequest("DRAINING")},
        new Object[] {"HostStatusRequest", new HostStatusRequest("ACTIVE")},
        new Object[] {"TokenRequest", new TokenRequest("alice", true)});
  }

  @ParameterizedTest
  @MethodSource("requests")
  void everyRequestBodyTheCliSendsValidates(String schema, Object body) throws Exception {
    assertThat(errors(schema, Api.JSON.valueToTree(body))).isEmpty();
  }

  @Test
  void anInvalidBodyDoesNotValidate() {
    assertThat(errors("HostStatusRequest", Api.JSON.valueToTree(new HostStatusRequest("DOWN"))))
        .isNotEmpty();
    assertThat(
            errors(
                "CreateWorkspaceRequest",
                Api.JSON.valueToTree(Map.of("projectName", "shop", "arch", "amd64"))))
        .isNotEmpty();
  }

  private static List<String> errors(String schema, JsonNode body) {
    try {
      String text = Files.readString(DOCUMENT);
      JsonMetaSchema dialect =
          JsonMetaSchema.builder(OpenApi31.getInstance())
              .keywords(
                  Stream.of("openapi", "info", "servers", "security", "tags", "paths", "components")
                      .map(NonValidationKeyword::new)
                      .toList())
              .build();
      var factory =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012,
              b ->
                  b.metaSchema(dialect)
                      .defaultMetaSchemaIri(dialect.getIri())
                      .schemaLoaders(l -> l.schemas(Map.of(IRI, text))));
      var compiled =
          factory.getSchema(
              SchemaLocation.of(IRI + "#/components/schemas/" + schema),
              SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
      return compiled.validate(body).stream().map(Object::toString).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The JSON type a Java type reads. */
  private static String jsonType(Type type) {
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == String.class || raw == Instant.class) {
      return "string";
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      return "integer";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "boolean";
    }
    if (List.class.isAssignableFrom(raw)) {
      return "array";
    }
    if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
      return "object";
    }
    throw new IllegalArgumentException("no JSON type for " + type);
  }

  /** The JSON type a property's schema declares, through {@code $ref}, {@code allOf}, const. */
  private static String declaredType(JsonNode property) {
    JsonNode node = resolve(property);
    if (node.has("type")) {
      return node.get("type").asText();
    }
    if (node.has("const")) {
      JsonNode c = node.get("const");
      return c.isIntegralNumber() ? "integer" : c.isBoolean() ? "boolean" : "string";
    }
    if (node.has("enum")) {
      return "string";
    }
    return "unknown";
  }

  private static JsonNode resolve(JsonNode node) {
    for (int hops = 0; hops < 10; hops++) {
      if (node.has("$ref")) {
        node = SCHEMAS.path(refName(node));
      } else if (!node.has("type") && node.has("allOf")) {
        node = node.get("allOf").get(0);
      } else {
        return node;
      }
    }
    throw new IllegalStateException("$ref chain too long");
  }

  private static String refName(JsonNode node) {
    JsonNode current = node;
    while (!current.has("$ref") && current.has("allOf")) {
      current = current.get("allOf").get(0);
    }
    String ref = current.path("$ref").asText();
    return ref.substring(ref.lastIndexOf('/') + 1);
  }
}
