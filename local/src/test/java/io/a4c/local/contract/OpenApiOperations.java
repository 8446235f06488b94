package io.a4c.local.contract;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.oas.OpenApi31;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The operations of an OpenAPI 3.1 document with every schema they use compiled: what {@link
 * OpenApiContract} checks exchanges against. Built once; immutable and thread-safe afterwards (the
 * compiled schemas are fully initialised here, so validating only reads them).
 *
 * <p>Only local {@code $ref}s ({@code #/…}) are followed; responses must be listed by explicit
 * status (no {@code default}, no {@code 2XX}); every documented content needs a schema.
 */
final class OpenApiOperations {
  /** The IRI the validator knows the document by; every {@code $ref} resolves against it. */
  static final String DOCUMENT_IRI = "https://a4c.io/openapi.yaml";

  /** The operation keys of a path item, as OpenAPI spells them. */
  static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** Marks an operation that only the local runtime serves. */
  static final String LOCAL_ONLY = "x-a4c-local-only";

  /**
   * The top-level members of an OpenAPI document: the validator parses the document's root on the
   * way to a {@code #/components/…} schema, and these are not schema keywords.
   */
  private static final List<String> DOCUMENT_MEMBERS =
      List.of(
          "openapi",
          "jsonSchemaDialect",
          "info",
          "servers",
          "security",
          "tags",
          "paths",
          "components",
          "webhooks",
          "externalDocs");

  /** A parameter: its JSON type (to read its text as) and its schema. */
  record Parameter(String name, boolean required, String type, JsonSchema schema) {}

  record RequestBody(boolean required, Map<String, JsonSchema> content) {}

  /** A documented response: media type to schema; empty when it has no body. */
  record Response(Map<String, JsonSchema> content) {}

  /** One operation; {@code key} is {@code METHOD /path/template}. */
  record Operation(
      String key,
      boolean localOnly,
      Map<String, Parameter> pathParameters,
      Map<String, Parameter> queryParameters,
      Optional<RequestBody> requestBody,
      Map<Integer, Response> responses) {}

  /** A path and its operations by lower-case method; local-only when any operation is. */
  record PathItem(PathTemplate template, boolean localOnly, Map<String, Operation> operations) {}

  /** A node of the document and its JSON pointer. */
  private record Located(JsonNode node, String pointer) {}

  private final JsonNode document;
  private final JsonSchemaFactory factory;
  private final SchemaValidatorsConfig config;
  private final List<PathItem> paths;
  private final Response methodNotAllowed;

  /**
   * @param document the parsed document
   * @param text the same document as text, which the validator resolves {@code $ref}s in
   */
  OpenApiOperations(JsonNode document, String text) {
    this.document = document;
    JsonMetaSchema dialect =
        JsonMetaSchema.builder(OpenApi31.getInstance())
            .keywords(DOCUMENT_MEMBERS.stream().map(NonValidationKeyword::new).toList())
            .build();
    this.factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder
                    .metaSchema(dialect)
                    .defaultMetaSchemaIri(dialect.getIri())
                    // Served from memory: nothing is ever fetched from the network.
                    .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_IRI, text))));
    this.config =
        SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .build();
    this.paths = readPaths();
    this.methodNotAllowed = response(located("/components/responses/MethodNotAllowed"));
  }

  /** Every path, most literal segments first, so {@code /a/b} wins over {@code /a/{x}}. */
  List<PathItem> paths() {
    return paths;
  }

  /** What any method a path does not take is answered with. */
  Response methodNotAllowed() {
    return methodNotAllowed;
  }

  private List<PathItem> readPaths() {
    List<PathItem> items = new ArrayList<>();
    document
        .path("paths")
        .fieldNames()
        .forEachRemaining(
            template -> {
              Located item = resolve(located("/paths/" + escape(template)));
              Map<String, Operation> operations = new TreeMap<>();
              for (String method : METHODS) {
                if (item.node().has(method)) {
                  operations.put(method, operation(template, method, item, child(item, method)));
                }
              }
              boolean localOnly = operations.values().stream().anyMatch(Operation::localOnly);
              items.add(new PathItem(PathTemplate.of(template), localOnly, Map.copyOf(operations)));
            });
    items.sort(Comparator.comparingInt((PathItem p) -> p.template().literalSegments()).reversed());
    return List.copyOf(items);
  }

  private Operation operation(String template, String method, Located pathItem, Located operation) {
    Map<String, Parameter> pathParameters = new LinkedHashMap<>();
    Map<String, Parameter> queryParameters = new LinkedHashMap<>();
    // Path-item parameters first: an operation's own parameter of the same name overrides one.
    for (Located list : List.of(child(pathItem, "parameters"), child(operation, "parameters"))) {
      for (int i = 0; i < list.node().size(); i++) {
        Located parameter = resolve(new Located(list.node().get(i), list.pointer() + "/" + i));
        String name = parameter.node().path("name").asText();
        Located schema = child(parameter, "schema");
        var read =
            new Parameter(
                name,
                parameter.node().path("required").asBoolean(false),
                typeOf(schema),
                schema(schema));
        switch (parameter.node().path("in").asText()) {
          case "path" -> pathParameters.put(name, read);
          case "query" -> queryParameters.put(name, read);
          default -> {} // headers and cookies are not part of an ApiExchange
        }
      }
    }
    Optional<RequestBody> requestBody = Optional.empty();
    if (operation.node().has("requestBody")) {
      Located body = resolve(child(operation, "requestBody"));
      requestBody =
          Optional.of(
              new RequestBody(body.node().path("required").asBoolean(false), content(body)));
    }
    Map<Integer, Response> responses = new TreeMap<>();
    Located responsesNode = child(operation, "responses");
    responsesNode
        .node()
        .fieldNames()
        .forEachRemaining(
            status -> {
              if (!status.matches("[1-5][0-9][0-9]")) {
                throw new IllegalStateException(
                    method
                        + " "
                        + template
                        + ": response '"
                        + status
                        + "' is not an HTTP status; list every status explicitly");
              }
              responses.put(Integer.parseInt(status), response(child(responsesNode, status)));
            });
    return new Operation(
        method.toUpperCase(Locale.ROOT) + " " + template,
        operation.node().path(LOCAL_ONLY).asBoolean(false),
        Map.copyOf(pathParameters),
        Map.copyOf(queryParameters),
        requestBody,
        Map.copyOf(responses));
  }

  private Response response(Located response) {
    return new Response(content(resolve(response)));
  }

  private Map<String, JsonSchema> content(Located holder) {
    Map<String, JsonSchema> content = new LinkedHashMap<>();
    Located contentNode = child(holder, "content");
    contentNode
        .node()
        .fieldNames()
        .forEachRemaining(
            mediaType ->
                content.put(
                    mediaType.toLowerCase(Locale.ROOT),
                    schema(child(child(contentNode, mediaType), "schema"))));
    return Map.copyOf(content);
  }

  private JsonSchema schema(Located schema) {
    if (schema.node().isMissingNode()) {
      throw new IllegalStateException(
          "#" + schema.pointer() + " is missing: every parameter and content needs a schema");
    }
    // A bare $ref is loaded by its target, so messages name the component; anything else in place.
    String pointer =
        schema.node().size() == 1 && schema.node().has("$ref")
            ? schema.node().get("$ref").asText().substring(1)
            : schema.pointer();
    JsonSchema compiled =
        factory.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + fragment(pointer)), config);
    compiled.initializeValidators();
    return compiled;
  }

  /** The JSON type a parameter's schema declares, following its {@code $ref}s. */
  private String typeOf(Located schema) {
    return resolve(schema).node().path("type").asText("string");
  }

  private Located located(String pointer) {
    JsonNode node = document.at(JsonPointer.compile(pointer));
    if (node.isMissingNode()) {
      throw new IllegalStateException("the document has nothing at #" + pointer);
    }
    return new Located(node, pointer);
  }

  /** Follows local {@code $ref}s to the node they name. */
  private Located resolve(Located located) {
    Located current = located;
    for (int hops = 0; current.node().has("$ref"); hops++) {
      String ref = current.node().get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 10) {
        throw new IllegalStateException(
            "#" + current.pointer() + ": only local $refs without cycles are supported: " + ref);
      }
      current = located(ref.substring(1));
    }
    return current;
  }

  private static Located child(Located parent, String name) {
    return new Located(parent.node().path(name), parent.pointer() + "/" + escape(name));
  }

  /** A JSON pointer reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** A JSON pointer as a URI fragment: characters a fragment cannot hold are percent-encoded. */
  private static String fragment(String pointer) {
    StringBuilder out = new StringBuilder();
    for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "/~-._!$&'()*+,;=:@".indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
