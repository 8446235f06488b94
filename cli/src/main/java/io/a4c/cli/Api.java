package io.a4c.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.a4c.cli.ApiTypes.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The A4C HTTP API as the CLI speaks it: JSON over {@code java.net.http}, the bearer token on every
 * request, user routes through {@code /v1/users/me/…} (the caller; the CLI never asks for a user
 * id). An answer of 400 or more becomes a {@link CliException} carrying the problem's {@code
 * detail} and {@code field} and the exit code for its status ({@link ExitCodes#ofStatus}); an
 * unreachable server is {@link ExitCodes#SERVER}.
 */
public final class Api {
  /** The one JSON mapper: ISO-8601 instants, unknown properties ignored. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** How many times a request the stage throttles is sent, in all. */
  static final int THROTTLED_TRIES = 4;

  /**
   * An answer: its status, body and content type.
   *
   * @param retryAfter its {@code Retry-After} header, or null
   */
  public record Reply(int status, String body, String contentType, String retryAfter) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new CliException(ExitCodes.SERVER, "the server answered with no JSON: " + body);
      }
    }

    /** The body as one of {@link ApiTypes}. */
    public <T> T as(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.SERVER,
            "the server's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final boolean verbose;
  private final PrintWriter err;

  /**
   * A client of the API at {@code base}.
   *
   * @param token the bearer token, or null for the routes that need none
   * @param verbose whether to print each request's method, path, status and request id on {@code
   *     err}
   */
  public Api(HttpClient http, URI base, String token, boolean verbose, PrintWriter err) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.verbose = verbose;
    this.err = err;
  }

  /** The HTTP client the CLI uses: HTTP/1.1, a connect timeout. */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** The API's base URL. */
  public URI base() {
    return base;
  }

  /** A path segment or query value, percent-encoded. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** GET, 2xx expected. */
  public Reply get(String path) {
    return send("GET", path, null);
  }

  /**
   * The {@code items} of every page of a paged list at {@code path} (no query of its own), as the
   * API answered them: pages of 100, following {@code nextToken} until there is none.
   */
  public List<JsonNode> allItems(String path) {
    var items = new ArrayList<JsonNode>();
    String next = null;
    do {
      var page =
          get(path + "?limit=100" + (next == null ? "" : "&nextToken=" + encode(next))).json();
      page.path("items").forEach(items::add);
      next = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
    } while (next != null);
    return items;
  }

  /** GET, the answer as one of {@link ApiTypes}. */
  public <T> T get(String path, Class<T> type) {
    return get(path).as(type);
  }

  /**
   * Sends a request, {@code body} as JSON (a String is sent as it is), and answers its 2xx reply;
   * anything else is a {@link CliException}. A read ({@code GET}) changes nothing, so besides the
   * stage's throttling it rides out a gateway's {@code 502}, {@code 503} or {@code 504} (not A4C's
   * own, a problem document): sent again up to {@link #THROTTLED_TRIES} times in all, after {@link
   * Polling#backoff}'s pauses. Other methods are sent again only when throttled ({@link
   * #exchange}): a gateway's error may come after A4C did the work.
   */
  public Reply send(String method, String path, Object body) {
    Reply reply =
        "GET".equals(method)
            ? repeated(
                () -> exchangeOnce(method, path, body, Map.of()),
                r -> throttled(r) || gatewayError(r))
            : exchange(method, path, body);
    if (reply.status() >= 400) {
      throw failure(method, path, reply);
    }
    return reply;
  }

  /**
   * As {@link #send}, for a request that is safe to repeat by its meaning: a workspace's stop or
   * start (a repeat of one that went through answers {@code 202} with the workspace as it is) or
   * delete (a repeat answers {@code 202} while it is DELETING). Sent again after a gateway's {@code
   * 502}, {@code 503} or {@code 504} as a read is. A {@code 404} that answers a DELETE sent again
   * after such an error is returned, not thrown: the first one went through and the workspace is
   * gone already.
   */
  public Reply sendRepeatable(String method, String path, Object body) {
    boolean[] repeatedAfterGateway = {false};
    Reply reply =
        repeated(
            () -> exchangeOnce(method, path, body, Map.of()),
            r -> {
              boolean again = throttled(r) || gatewayError(r);
              repeatedAfterGateway[0] |= gatewayError(r);
              return again;
            });
    if (reply.status() == 404 && "DELETE".equals(method) && repeatedAfterGateway[0]) {
      return reply;
    }
    if (reply.status() >= 400) {
      throw failure(method, path, reply);
    }
    return reply;
  }

  /**
   * As {@link #send}, for a request the API makes safe to repeat with an {@code Idempotency-Key} (a
   * workspace's create): sent with a new key, and sent again with the same key after a gateway's
   * {@code 502}, {@code 503} or {@code 504} — which may come after A4C did the work, so only the
   * key makes the repeat safe: it answers what the first one made — up to {@link #THROTTLED_TRIES}
   * times in all, after {@link Polling#backoff}'s pauses.
   */
  public Reply sendIdempotent(String method, String path, Object body) {
    var headers = Map.of("idempotency-key", UUID.randomUUID().toString());
    Reply reply = repeated(() -> exchange(method, path, body, headers), Api::gatewayError);
    if (reply.status() >= 400) {
      throw failure(method, path, reply);
    }
    return reply;
  }

  /**
   * Sends a request and answers whatever came back, errors included. A {@code 429} that is not
   * A4C's own (a problem document, a quota) is the API stage's throttling, which turned the request
   * away before A4C saw it, so any request is safe to send again: it is, up to {@link
   * #THROTTLED_TRIES} times in all, after {@link Polling#backoff}'s pauses (0.5, 1, 2 s, or a
   * longer {@code Retry-After}); the last answer is returned as it is.
   */
  public Reply exchange(String method, String path, Object body) {
    return exchange(method, path, body, Map.of());
  }

  /** As {@link #exchange(String, String, Object)}, with {@code headers} too. */
  private Reply exchange(String method, String path, Object body, Map<String, String> headers) {
    return repeated(() -> exchangeOnce(method, path, body, headers), Api::throttled);
  }

  /**
   * {@code send}'s answer, sent again while {@code again} holds of it, up to {@link
   * #THROTTLED_TRIES} times in all, after {@link Polling#backoff}'s pauses; the last answer as it
   * is.
   */
  private static Reply repeated(Supplier<Reply> send, Predicate<Reply> again) {
    for (int attempt = 1; ; attempt++) {
      Reply reply = send.get();
      if (!again.test(reply) || attempt == THROTTLED_TRIES) {
        return reply;
      }
      Progress.pause(Polling.backoff(reply, attempt));
    }
  }

  /** Whether the answer is the API stage's throttling rather than A4C's. */
  static boolean throttled(Reply reply) {
    return reply.status() == 429 && !reply.contentType().contains("problem+json");
  }

  /**
   * Whether the answer is a gateway's error (502, 503, 504 without A4C's problem document) rather
   * than A4C's own: A4C's 503 says what is unavailable and that nothing was written.
   */
  static boolean gatewayError(Reply reply) {
    int status = reply.status();
    return (status == 502 || status == 503 || status == 504)
        && !reply.contentType().contains("problem+json");
  }

  private Reply exchangeOnce(String method, String path, Object body, Map<String, String> headers) {
    var request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("accept", "application/json");
    headers.forEach(request::header);
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      String text;
      try {
        text = body instanceof String s ? s : JSON.writeValueAsString(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(text));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.SERVER,
          "cannot reach the A4C API at "
              + base
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
    var reply =
        new Reply(
            response.statusCode(),
            response.body(),
            response.headers().firstValue("content-type").orElse(""),
            response.headers().firstValue("retry-after").orElse(null));
    if (verbose) {
      err.println(
          "> "
              + method
              + " "
              + path
              + " → "
              + reply.status()
              + problem(reply).map(p -> " (request id " + p.requestId() + ")").orElse(""));
    }
    return reply;
  }

  private static Optional<Problem> problem(Reply reply) {
    if (reply.status() < 400 || !reply.contentType().contains("json")) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(reply.body(), Problem.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The failure an error reply means: the problem's detail and field, its exit code. */
  CliException failure(String method, String path, Reply reply) {
    var problem = problem(reply);
    String detail =
        problem
            .map(p -> p.detail() != null ? p.detail() : p.title())
            .orElse(method + " " + path + " answered " + reply.status());
    var message = new StringBuilder(detail);
    problem.map(Problem::field).ifPresent(f -> message.append(" (field: ").append(f).append(')'));
    if (reply.status() == 401) {
      message
          .append("\nthe server did not accept your token (missing, expired or not valid): ")
          .append("log in again with `a4c-cli login`");
    }
    if (verbose) {
      problem.map(Problem::requestId).ifPresent(id -> message.append("\nrequest id: ").append(id));
    }
    return new CliException(ExitCodes.ofStatus(reply.status()), message.toString());
  }
}
