package io.a4c.local.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.a4c.local.contract.OpenApiOperations.Operation;
import io.a4c.local.contract.OpenApiOperations.Parameter;
import io.a4c.local.contract.OpenApiOperations.PathItem;
import io.a4c.local.contract.OpenApiOperations.RequestBody;
import io.a4c.local.contract.OpenApiOperations.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI document {@code docs/openapi.yaml} as a checker of HTTP exchanges. The end-to-end
 * tests' client passes every exchange to {@link #verify}, so every end-to-end test is a contract
 * test too.
 *
 * <p>An exchange fails, with an {@link AssertionError} that says why, when its path and method
 * match no operation (a {@code /v1} path of the document with a method it does not list may only be
 * answered 405, as {@code components.responses.MethodNotAllowed}); when its status is not one the
 * operation lists; when the response's media type is not a documented one; or when the response
 * body does not validate against the documented schema. When the status is 2xx the request must be
 * one the operation documents too: path parameters, only declared query parameters, and the body,
 * each valid against its schema. Schemas are JSON Schema 2020-12 (the OpenAPI 3.1 dialect), with
 * {@code format} asserted.
 *
 * <p>Thread-safe: the document is read and every schema compiled when the contract is made; {@link
 * #verify} only reads.
 */
public final class OpenApiContract {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 800;

  /**
   * Loaded on first use; class initialisation makes that happen once, whatever the threads. A
   * failure is kept, so every caller learns why, not only the first.
   */
  private static final class Shared {
    static final OpenApiContract INSTANCE;
    static final RuntimeException FAILURE;

    static {
      OpenApiContract contract = null;
      RuntimeException failure = null;
      try {
        contract = load(locate());
      } catch (RuntimeException e) {
        failure = e;
      }
      INSTANCE = contract;
      FAILURE = failure;
    }
  }

  private final OpenApiOperations operations;

  private OpenApiContract(String yaml) {
    try {
      this.operations = new OpenApiOperations(YAML.readTree(yaml), yaml);
    } catch (IOException e) {
      throw new IllegalStateException("the OpenAPI document is not YAML", e);
    }
  }

  /**
   * The contract of {@code docs/openapi.yaml}, loaded once.
   *
   * @throws IllegalStateException when the document cannot be found, read or compiled
   */
  public static OpenApiContract shared() {
    if (Shared.FAILURE != null) {
      throw new IllegalStateException(
          "docs/openapi.yaml cannot be used: " + Shared.FAILURE.getMessage(), Shared.FAILURE);
    }
    return Shared.INSTANCE;
  }

  /**
   * Where the document is: Maven runs a module's tests in the module's directory, so {@code
   * ../docs/openapi.yaml} first, then {@code docs/openapi.yaml} from the repository root.
   */
  static Path locate() {
    for (Path candidate :
        List.of(Path.of("..", "docs", "openapi.yaml"), Path.of("docs", "openapi.yaml"))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "docs/openapi.yaml not found from "
            + Path.of("").toAbsolutePath()
            + " (looked in ../docs and docs)");
  }

  /** The contract of the document in {@code file}. */
  static OpenApiContract load(Path file) {
    try {
      return new OpenApiContract(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /**
   * Checks one exchange against the document.
   *
   * @throws AssertionError naming the exchange and how it departs from the document
   */
  public void verify(ApiExchange exchange) {
    Optional<Map.Entry<PathItem, Map<String, String>>> matched = matchPath(exchange.path());
    if (matched.isEmpty()) {
      throw failure(exchange, "no path of the document matches " + exchange.path());
    }
    PathItem item = matched.get().getKey();
    Operation operation = item.operations().get(exchange.method().toLowerCase(Locale.ROOT));
    if (operation == null) {
      if (exchange.status() == 405 && !item.localOnly()) {
        checkResponse(exchange, operations.methodNotAllowed(), "405 (method not allowed)");
        return;
      }
      throw failure(
          exchange,
          "path "
              + item.template().template()
              + " has no "
              + exchange.method().toUpperCase(Locale.ROOT)
              + " operation (it takes "
              + item.operations().keySet().stream().map(m -> m.toUpperCase(Locale.ROOT)).toList()
              + "); another method may only be answered 405");
    }
    Response response = operation.responses().get(exchange.status());
    if (response == null) {
      throw failure(
          exchange,
          "status "
              + exchange.status()
              + " is not documented for "
              + operation.key()
              + " (documented: "
              + operation.responses().keySet()
              + ")");
    }
    checkResponse(exchange, response, operation.key() + " " + exchange.status());
    if (exchange.status() >= 200 && exchange.status() < 300) {
      checkRequest(exchange, operation, matched.get().getValue());
    }
  }

  private Optional<Map.Entry<PathItem, Map<String, String>>> matchPath(String rawPath) {
    for (PathItem item : operations.paths()) {
      Optional<Map<String, String>> parameters = item.template().match(rawPath);
      if (parameters.isPresent()) {
        return Optional.of(Map.entry(item, parameters.get()));
      }
    }
    return Optional.empty();
  }

  private static void checkResponse(ApiExchange exchange, Response response, String what) {
    String body = exchange.responseBody() == null ? "" : exchange.responseBody();
    if (response.content().isEmpty()) {
      if (!body.isEmpty()) {
        throw failure(exchange, what + " is documented without a body, but one came");
      }
      return;
    }
    JsonSchema schema = response.content().get(mediaType(exchange.responseContentType()));
    if (schema == null) {
      throw failure(
          exchange,
          what
              + " answered content type "
              + exchange.responseContentType()
              + "; documented: "
              + response.content().keySet());
    }
    // A text body (the known_hosts line) is checked as the string its schema describes.
    List<String> errors =
        mediaType(exchange.responseContentType()).startsWith("text/")
            ? validate(schema, asJsonString(body))
            : validate(schema, body);
    if (!errors.isEmpty()) {
      throw failure(
          exchange,
          what + " response body does not match the document:\n  " + String.join("\n  ", errors));
    }
  }

  private static String asJsonString(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkRequest(
      ApiExchange exchange, Operation operation, Map<String, String> pathValues) {
    List<String> errors = new ArrayList<>();
    operation
        .pathParameters()
        .forEach(
            (name, parameter) ->
                errors.addAll(parameterErrors("path parameter", parameter, pathValues.get(name))));
    Map<String, String> query = parseQuery(exchange.query());
    query.keySet().stream()
        .filter(name -> !operation.queryParameters().containsKey(name))
        .forEach(name -> errors.add("query parameter " + name + " is not documented"));
    operation
        .queryParameters()
        .forEach(
            (name, parameter) ->
                errors.addAll(parameterErrors("query parameter", parameter, query.get(name))));
    errors.addAll(requestBodyErrors(exchange, operation));
    if (!errors.isEmpty()) {
      throw failure(
          exchange,
          "the request was answered "
              + exchange.status()
              + " but is not one "
              + operation.key()
              + " documents:\n  "
              + String.join("\n  ", errors));
    }
  }

  private static List<String> requestBodyErrors(ApiExchange exchange, Operation operation) {
    String body = exchange.requestBody();
    boolean empty = body == null || body.isEmpty();
    if (operation.requestBody().isEmpty()) {
      return empty ? List.of() : List.of("the operation takes no request body, but one was sent");
    }
    RequestBody documented = operation.requestBody().get();
    if (empty) {
      return documented.required()
          ? List.of("the operation requires a request body, but none was sent")
          : List.of();
    }
    // Every request body of this API is JSON: the server answers any other content type 415.
    JsonSchema schema = documented.content().get("application/json");
    if (schema == null) {
      return List.of("the operation documents no application/json request body");
    }
    return validate(schema, body).stream().map(e -> "request body " + e).toList();
  }

  private static List<String> parameterErrors(String kind, Parameter parameter, String raw) {
    if (raw == null) {
      return parameter.required()
          ? List.of(kind + " " + parameter.name() + " is required but absent")
          : List.of();
    }
    return parameter.schema().validate(typed(parameter.type(), raw)).stream()
        .map(m -> kind + " " + parameter.name() + "=" + raw + ": " + m.getError())
        .toList();
  }

  /** A parameter's text as the JSON value its schema types it as; left text when it is not one. */
  private static JsonNode typed(String type, String raw) {
    switch (type) {
      case "integer" -> {
        try {
          return LongNode.valueOf(Long.parseLong(raw));
        } catch (NumberFormatException e) {
          return TextNode.valueOf(raw);
        }
      }
      case "boolean" -> {
        return "true".equals(raw) || "false".equals(raw)
            ? BooleanNode.valueOf(Boolean.parseBoolean(raw))
            : TextNode.valueOf(raw);
      }
      default -> {
        return TextNode.valueOf(raw);
      }
    }
  }

  private static List<String> validate(JsonSchema schema, String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return List.of("is not JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      return List.of("is empty");
    }
    return schema.validate(node).stream().map(OpenApiContract::describe).sorted().toList();
  }

  private static String describe(ValidationMessage message) {
    String at = message.getInstanceLocation().toString();
    return (at.isEmpty() ? "(whole body)" : at) + ": " + message.getError();
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.merge(name, value, (a, b) -> a + "," + b);
    }
    return query;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "(none)";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private static AssertionError failure(ApiExchange exchange, String why) {
    String query =
        exchange.query() == null || exchange.query().isEmpty() ? "" : "?" + exchange.query();
    return new AssertionError(
        "OpenAPI contract (docs/openapi.yaml): "
            + exchange.method()
            + " "
            + exchange.path()
            + query
            + " -> "
            + exchange.status()
            + " "
            + Optional.ofNullable(exchange.responseContentType()).orElse("(no content type)")
            + ": "
            + why
            + "\n  request body: "
            + excerpt(exchange.requestBody())
            + "\n  response body: "
            + excerpt(exchange.responseBody()));
  }

  private static String excerpt(String text) {
    if (text == null || text.isEmpty()) {
      return "(none)";
    }
    return text.length() <= EXCERPT
        ? text
        : text.substring(0, EXCERPT) + "… (" + text.length() + " characters)";
  }
}
