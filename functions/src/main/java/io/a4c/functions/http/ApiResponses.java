package io.a4c.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads JSON bodies and writes JSON and problem responses: the one place where exceptions become
 * HTTP. Anything that is not a {@link ProblemException} is a generic 500 whose log line carries the
 * request id; no internal message or stack trace ever reaches a response. Thread-safe.
 */
@Singleton
public final class ApiResponses {
  private static final Logger log = LoggerFactory.getLogger(ApiResponses.class);
  private static final Map<String, String> JSON = Map.of("content-type", "application/json");
  private static final Map<String, String> PROBLEM_JSON =
      Map.of("content-type", "application/problem+json");

  private final ObjectMapper json;

  /**
   * Reads request bodies: the contracts' mapper, except that a value of one JSON type is never
   * silently made into another's. A fraction for a whole-number field ({@code "size": 1.5}), a
   * number for a true/false field ({@code "paused": 2}), a string for a number or true/false
   * ({@code "size": "3"}, {@code "paused": "true"}) and a number or true/false for a string ({@code
   * "change": 42}) are a 400 naming the field. A whole number is still a number ({@code "cpus":
   * 2}). A body is read with duplicate detection on: a member sent twice is a 400 naming it, not
   * the last value.
   */
  private final ObjectMapper requests;

  @Inject
  public ApiResponses(ObjectMapper json) {
    this.json = json;
    this.requests = json.copy().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // A member sent twice is refused: which value to take is the caller's to say.
    requests.getFactory().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      // An empty string too: Jackson's default would take it for null, a member left out.
      requests
          .coercionConfigFor(type)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    requests
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    requests
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
  }

  /**
   * Runs a route, turning its result or exception into a response. The route returns a response
   * already built with {@link #json}.
   */
  public APIGatewayV2HTTPResponse run(
      ApiRequest request, Function<ApiRequest, APIGatewayV2HTTPResponse> route) {
    try {
      return route.apply(request);
    } catch (ProblemException e) {
      return problem(request, e);
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("requestId", request.requestId())
          .addKeyValue("route", request.routeKey())
          .setCause(e)
          .log("request failed");
      return problem(
          request,
          new ProblemException(ProblemType.INTERNAL, "internal error; quote the request id"));
    }
  }

  /**
   * Parses a JSON body as {@code type}; 413, 400 (naming the field when there is one) or 415 (a
   * body not sent as {@code application/json}) when it cannot.
   */
  public <T> T read(ApiRequest request, Class<T> type) {
    if (request.body().length > ApiRequest.MAX_BODY_BYTES) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "the body is "
              + request.body().length
              + " bytes; at most "
              + ApiRequest.MAX_BODY_BYTES
              + " are accepted");
    }
    if (request.body().length == 0) {
      throw new InvalidRequestException(null, "a JSON body is required");
    }
    if (!isJson(request.header("content-type"))) {
      throw new ProblemException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body with Content-Type: application/json");
    }
    try {
      T value = requests.readValue(request.body(), type);
      if (value == null) {
        throw new InvalidRequestException(null, "the body must be a JSON object");
      }
      return value;
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof ProblemException problem) {
        throw inEntry(problem, fieldOf(e));
      }
      throw new InvalidRequestException(
          fieldOf(e), "the body is not valid: " + e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      // By its path: "url" alone would not say that it is source.url, or which entry's.
      String field = Objects.requireNonNullElse(fieldOf(e), e.getPropertyName());
      throw new InvalidRequestException(field, "unknown field " + field);
    } catch (MismatchedInputException e) {
      String field = fieldOf(e);
      String expected = expected(e.getTargetType());
      boolean empty = e instanceof InvalidFormatException format && "".equals(format.getValue());
      String detail;
      if (field == null) {
        detail = "the body does not have the expected shape";
      } else if (empty) {
        detail = field + " is empty" + (expected == null ? "" : "; it must be " + expected);
      } else {
        detail =
            field + " has the wrong type" + (expected == null ? "" : ": it must be " + expected);
      }
      throw new InvalidRequestException(field, detail);
    } catch (JsonProcessingException e) {
      String duplicate = duplicated(e);
      if (duplicate != null) {
        // Which of the two values to take is the caller's to say: parsers disagree on it.
        throw new InvalidRequestException(
            duplicate, duplicate + " appears more than once; send each member once");
      }
      throw new InvalidRequestException(null, "the body is not well-formed JSON");
    } catch (IOException e) {
      throw new InvalidRequestException(null, "the body could not be read");
    }
  }

  /** A JSON response. */
  public APIGatewayV2HTTPResponse json(int status, Object body) {
    return json(status, body, Map.of());
  }

  /** A JSON response with extra headers. */
  public APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> headers) {
    try {
      var all = new java.util.HashMap<>(JSON);
      all.putAll(headers);
      return APIGatewayV2HTTPResponse.builder()
          .withStatusCode(status)
          .withHeaders(all)
          .withBody(json.writeValueAsString(body))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response could not be serialised", e);
    }
  }

  /** The problem response for {@code e}. */
  public APIGatewayV2HTTPResponse problem(ApiRequest request, ProblemException e) {
    ProblemType type = e.type();
    var body =
        new Problem(
            type.uri(),
            type.title(),
            type.status(),
            e.getMessage(),
            request.path(),
            e.field(),
            e.reason(),
            request.requestId());
    try {
      var headers = new java.util.HashMap<>(PROBLEM_JSON);
      if (type == ProblemType.UNAVAILABLE) {
        headers.put("retry-after", "10");
      } else if (type == ProblemType.QUOTA_EXCEEDED) {
        // A quota frees up when the user deletes something; a client that waits should not spin.
        headers.put("retry-after", "30");
      }
      return APIGatewayV2HTTPResponse.builder()
          .withStatusCode(type.status())
          .withHeaders(headers)
          .withBody(json.writeValueAsString(body))
          .build();
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("problem could not be serialised", ex);
    }
  }

  /**
   * Whether a {@code Content-Type} names JSON: exactly {@code application/json} in any case, with
   * or without parameters ({@code ; charset=utf-8}). A missing header is not JSON, and neither is a
   * type that merely starts like it ({@code application/jsonp}, {@code application/json-seq}).
   * Public for the local runtime's own JSON route ({@code POST /local/tokens}), which answers as
   * the API's routes do.
   */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int parameters = contentType.indexOf(';');
    String type = parameters < 0 ? contentType : contentType.substring(0, parameters);
    return type.strip().equalsIgnoreCase("application/json");
  }

  /**
   * {@code problem}, from the record at {@code path} of the body, with the entry indexes of that
   * path in its field. A record names its members by their path without indexes ({@code
   * recurringBuilds.cron}: it does not know which entry of a list it is); read from {@code
   * recurringBuilds[2]}, the problem names {@code recurringBuilds[2].cron}, in field and detail.
   */
  private static ProblemException inEntry(ProblemException problem, String path) {
    String field = problem.field();
    if (path == null || field == null || !path.contains("[")) {
      return problem;
    }
    String withoutIndexes = path.replaceAll("\\[\\d+]", "");
    if (!field.equals(withoutIndexes) && !field.startsWith(withoutIndexes + ".")) {
      return problem;
    }
    String entry = path + field.substring(withoutIndexes.length());
    String detail = problem.getMessage().replace(field, entry);
    return problem instanceof InvalidRequestException
        ? new InvalidRequestException(entry, detail)
        : new ProblemException(problem.type(), detail, entry, problem.reason());
  }

  /** The path of the member a body has twice, when that is why it could not be read; else null. */
  private static String duplicated(JsonProcessingException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StreamReadException read
          && read.getOriginalMessage() != null
          && read.getOriginalMessage().startsWith("Duplicate field")
          && read.getProcessor() instanceof JsonParser parser) {
        Deque<String> parts = new ArrayDeque<>();
        for (var context = parser.getParsingContext();
            context != null && !context.inRoot();
            context = context.getParent()) {
          parts.addFirst(
              context.inArray()
                  ? "[" + context.getCurrentIndex() + "]"
                  : "." + context.getCurrentName());
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
      }
    }
    return null;
  }

  /** What a value of {@code type} is in JSON, for a detail; null when there is nothing simple. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return type.isRecord() ? "an object" : null;
  }

  private static String fieldOf(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(
                ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? null : path;
  }
}
