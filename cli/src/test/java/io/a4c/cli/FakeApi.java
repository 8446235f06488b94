package io.a4c.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the A4C API on 127.0.0.1 for the CLI's unit tests: canned answers by {@code METHOD
 * path} (query included), every request recorded with its authorization header; and a way to run
 * the CLI in-process against it with a configuration directory of the test's.
 */
final class FakeApi implements AutoCloseable {
  /** A canned answer; {@code retryAfter}: its Retry-After header, or null. */
  record Answer(int status, String contentType, String body, String retryAfter) {
    Answer(int status, String contentType, String body) {
      this(status, contentType, body, null);
    }
  }

  /** A request as the server saw it. */
  record Seen(
      String method, String path, String authorization, String body, String idempotencyKey) {}

  /** What a CLI run printed and its exit code. */
  record Run(int exitCode, String out, String err) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, java.util.function.Supplier<String>> dynamic =
      new ConcurrentHashMap<>();
  private final Map<String, java.util.Queue<Answer>> sequences = new ConcurrentHashMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
          seen.add(
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().toString(),
                  exchange.getRequestHeaders().getFirst("authorization"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                  exchange.getRequestHeaders().getFirst("idempotency-key")));
          var each = dynamic.get(key);
          var sequence = sequences.get(key);
          Answer next = sequence == null ? null : sequence.poll();
          Answer answer =
              next != null
                  ? next
                  : each != null
                      ? new Answer(200, "application/json", each.get())
                      : answers.getOrDefault(
                          key, problem(404, "no such route in the fake: " + key, null));
          byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("content-type", answer.contentType());
          if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().set("retry-after", answer.retryAfter());
          }
          exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers {@code METHOD path} with JSON. */
  FakeApi on(String request, int status, String json) {
    answers.put(request, new Answer(status, "application/json", json));
    return this;
  }

  /**
   * Answers {@code METHOD path} with 200 and the JSON {@code each} gives, asked at each request.
   */
  FakeApi onEach(String request, java.util.function.Supplier<String> each) {
    dynamic.put(request, each);
    return this;
  }

  /**
   * Answers {@code METHOD path} with {@code first}, one each, before its other answers (a fault
   * such as an API Gateway stage's throttling, which the local runtime cannot be made to give).
   */
  FakeApi first(String request, Answer... first) {
    sequences.put(request, new java.util.concurrent.ConcurrentLinkedQueue<>(List.of(first)));
    return this;
  }

  /** The requests seen of {@code METHOD path}, in order. */
  List<Seen> requests(String request) {
    return seen.stream().filter(s -> (s.method() + " " + s.path()).equals(request)).toList();
  }

  /** Answers {@code METHOD path} with a problem. */
  FakeApi fail(String request, int status, String detail, String field) {
    answers.put(request, problem(status, detail, field));
    return this;
  }

  static Answer problem(int status, String detail, String field) {
    return new Answer(
        status,
        "application/problem+json",
        "{\"type\":\"https://a4c.io/problems/x\",\"title\":\"x\",\"status\":"
            + status
            + ",\"detail\":\""
            + detail
            + "\""
            + (field == null ? "" : ",\"field\":\"" + field + "\"")
            + ",\"instance\":\"/\",\"requestId\":\"req-42\"}");
  }

  /** Runs the CLI with {@code configHome} as XDG_CONFIG_HOME and {@code stdin} as its input. */
  static Run cli(Path configHome, String stdin, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var context =
        new Context(
            Map.of("XDG_CONFIG_HOME", configHome.toString(), "HOME", configHome.toString()),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            false,
            Clock.systemUTC(),
            Api.newHttpClient());
    int code = A4cCli.execute(context, args);
    return new Run(code, out.toString(), err.toString());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
