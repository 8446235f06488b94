package io.a4c.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.a4c.events.Names;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiResponses;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.functions.http.Problem;
import io.a4c.functions.http.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What API Gateway (HTTP API, JWT authorizer) does in AWS, on 127.0.0.1: matches the route,
 * verifies the bearer token and fills the same claims, turns the request into a v2 event, calls the
 * same handler the Lambda function runs, and writes its response back. Plus two local-only routes:
 * {@code GET /healthz} and {@code POST /local/tokens} (development tokens), and the dashboard's
 * files at {@code /} ({@link DashboardAssets}; CloudFront serves them in AWS).
 */
final class ApiGatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiGatewayServer.class);

  /** What {@code POST /local/tokens} takes, for its 400s. */
  private static final String TOKEN_REQUEST =
      "send a JSON object {\"sub\": \"<user id>\", \"admin\": false}; admin may be left out";

  /** API Gateway refuses larger payloads; bodies up to this are passed to the function. */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<ApiRoutes.Function, ApiHandler> functions;
  private final LocalTokens tokens;
  private final ObjectMapper json;

  /** Reads token requests, a member sent twice refused: made once, as ApiResponses' mapper is. */
  private final ObjectReader tokenRequests;

  private final BooleanSupplier healthy;
  private final DashboardAssets dashboard =
      new DashboardAssets(ApiGatewayServer.class.getClassLoader());

  ApiGatewayServer(
      int port,
      Map<ApiRoutes.Function, ApiHandler> functions,
      LocalTokens tokens,
      ObjectMapper json,
      BooleanSupplier healthy)
      throws IOException {
    this.functions = functions;
    this.tokens = tokens;
    this.json = json;
    this.tokenRequests = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    this.healthy = healthy;
    // The JDK server leaves Nagle's algorithm on, which with delayed ACKs adds ~40 ms to every
    // response written in two parts (headers, body). Read when the server class first loads.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(executor);
    server.createContext("/", this::exchange);
  }

  void start() {
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void exchange(HttpExchange exchange) {
    String requestId = UUID.randomUUID().toString();
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        problem(
            exchange,
            ProblemType.PAYLOAD_TOO_LARGE,
            "the body is larger than " + MAX_PAYLOAD_BYTES + " bytes",
            path,
            requestId);
        return;
      }
      if (!addressedToLoopback(exchange.getRequestHeaders().getFirst("host"))) {
        // DNS rebinding: a web page whose name now resolves to 127.0.0.1 must not reach the
        // runtime (and mint an admin token at /local/tokens) from the user's browser.
        problem(
            exchange,
            ProblemType.FORBIDDEN,
            "this runtime answers only requests addressed to 127.0.0.1 or localhost, not "
                + exchange.getRequestHeaders().getFirst("host"),
            path,
            requestId);
        return;
      }
      if (path.equals("/healthz") && method.equals("GET")) {
        boolean up = healthy.getAsBoolean();
        write(
            exchange,
            up ? 200 : 503,
            "application/json",
            json.writeValueAsBytes(Map.of("status", up ? "ok" : "starting")));
        return;
      }
      if (path.equals("/local/tokens") && method.equals("POST")) {
        if (!tokens.canMint()) {
          problem(
              exchange,
              ProblemType.NOT_FOUND,
              "development tokens are off: tokens come from " + tokens.issuer(),
              path,
              requestId);
          return;
        }
        mintToken(exchange, body, path, requestId);
        return;
      }
      if (method.equals("GET") && !path.startsWith("/v1/") && !path.startsWith("/local/")) {
        if (serveDashboard(exchange, path, requestId)) {
          return;
        }
      }
      try {
        route(exchange, method, path, body, requestId);
      } catch (IllegalArgumentException e) {
        // URLDecoder refuses a bad %-escape in the path or query; API Gateway answers 400 too.
        problem(
            exchange,
            ProblemType.INVALID,
            "the request's path or query is not well-formed",
            path,
            requestId);
      }
    } catch (Exception e) {
      log.atError().addKeyValue("requestId", requestId).setCause(e).log("local gateway failed");
      try {
        problem(
            exchange,
            ProblemType.INTERNAL,
            "internal error; quote the request id",
            exchange.getRequestURI().getRawPath(),
            requestId);
      } catch (Exception alreadyAnswering) {
        // the response had started: the client sees the connection close
      }
    }
  }

  /**
   * Whether a request's {@code Host} names the loopback address the server listens on ({@code
   * 127.0.0.1}, {@code localhost} or {@code [::1]}, with any port); a request without one
   * (HTTP/1.0) can only come from a client that connected to the loopback address itself.
   */
  static boolean addressedToLoopback(String host) {
    if (host == null) {
      return true;
    }
    String name = host.strip().toLowerCase(java.util.Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end > 0
          && name.substring(1, end).equals("::1")
          && (end == name.length() - 1 || name.substring(end + 1).matches(":[0-9]{1,5}"));
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      if (!name.substring(colon + 1).matches("[0-9]{1,5}")) {
        return false;
      }
      name = name.substring(0, colon);
    }
    return name.equals("127.0.0.1") || name.equals("localhost");
  }

  private void route(
      HttpExchange exchange, String method, String path, byte[] body, String requestId)
      throws IOException {
    Set<String> allowed = new LinkedHashSet<>();
    for (ApiRoutes.Route route : ApiRoutes.ALL) {
      Optional<Map<String, String>> parameters = match(route.path(), path);
      if (parameters.isEmpty()) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      Optional<Map<String, String>> claims = bearer(exchange).flatMap(tokens::verify);
      if (claims.isEmpty()) {
        problem(
            exchange,
            ProblemType.UNAUTHORIZED,
            "a valid bearer token is required",
            path,
            requestId);
        return;
      }
      var event = event(exchange, route, path, parameters.get(), body, claims.get(), requestId);
      APIGatewayV2HTTPResponse response = functions.get(route.function()).handle(event);
      respond(exchange, response);
      return;
    }
    if (!allowed.isEmpty()) {
      exchange.getResponseHeaders().add("allow", String.join(", ", allowed));
      problem(
          exchange,
          ProblemType.METHOD_NOT_ALLOWED,
          "this route takes " + String.join(", ", allowed),
          path,
          requestId);
    } else {
      problem(exchange, ProblemType.NOT_FOUND, "no such route", path, requestId);
    }
  }

  /**
   * Answers a dashboard file, or a 404 problem for {@code /} when the jar was built without the
   * dashboard; false (route as an API path) for anything else.
   */
  private boolean serveDashboard(HttpExchange exchange, String path, String requestId)
      throws IOException {
    var asset = dashboard.find(path);
    if (asset.isEmpty()) {
      if (path.equals("/")) {
        problem(
            exchange,
            ProblemType.NOT_FOUND,
            "this jar holds no dashboard: build it with Maven, which runs npm in web/",
            path,
            requestId);
        return true;
      }
      return false;
    }
    var headers = exchange.getResponseHeaders();
    headers.set("content-security-policy", DashboardAssets.CONTENT_SECURITY_POLICY);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    headers.set(
        "cache-control",
        asset.get().immutable() ? "public, max-age=31536000, immutable" : "no-cache");
    write(exchange, 200, asset.get().contentType(), asset.get().bytes());
    return true;
  }

  /**
   * Mints a development token for a body that is exactly the schema's {@code TokenRequest}: a JSON
   * object with a valid user id string {@code sub} and, optionally, a JSON boolean {@code admin}.
   * Anything else is a 400 naming the member, never a token: {@code "admin": "false"} or {@code
   * "admin": 1} must not be guessed at, since the guess decides whether the token is an admin's. A
   * body sent without {@code Content-Type: application/json} is a 415, as on the API's routes
   * ({@link ApiResponses#isJson}); no body at all is a 400, as there.
   */
  private void mintToken(HttpExchange exchange, byte[] body, String path, String requestId)
      throws IOException {
    List<String> contentTypes = exchange.getRequestHeaders().get("content-type");
    if (body.length > 0
        && !ApiResponses.isJson(contentTypes == null ? null : String.join(",", contentTypes))) {
      problem(
          exchange,
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "send the body with Content-Type: application/json; " + TOKEN_REQUEST,
          path,
          requestId);
      return;
    }
    JsonNode request;
    try {
      request = tokenRequests.readTree(body);
    } catch (IOException e) {
      request = null;
    }
    if (request == null || !request.isObject()) {
      problem(exchange, ProblemType.INVALID, TOKEN_REQUEST, null, path, requestId);
      return;
    }
    for (var names = request.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("sub") && !name.equals("admin")) {
        problem(
            exchange,
            ProblemType.INVALID,
            "unknown field " + name + "; " + TOKEN_REQUEST,
            name,
            path,
            requestId);
        return;
      }
    }
    JsonNode sub = request.get("sub");
    if (sub == null || !sub.isTextual() || !Names.USER_ID.matcher(sub.textValue()).matches()) {
      problem(
          exchange,
          ProblemType.INVALID,
          "sub must be a user id string: letters, digits and . _ @ - (up to 128)",
          "sub",
          path,
          requestId);
      return;
    }
    JsonNode admin = request.get("admin");
    if (admin != null && !admin.isBoolean()) {
      problem(
          exchange,
          ProblemType.INVALID,
          "admin must be true or false (a JSON boolean, not a string or number), or left out",
          "admin",
          path,
          requestId);
      return;
    }
    write(
        exchange,
        200,
        "application/json",
        json.writeValueAsBytes(
            Map.of("token", tokens.mint(sub.textValue(), admin != null && admin.booleanValue()))));
  }

  private static Optional<String> bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7).trim());
  }

  /** Matches {@code /v1/users/{userId}/workspaces} against a raw path, decoding parameters. */
  static Optional<Map<String, String>> match(String template, String rawPath) {
    String[] want = template.substring(1).split("/", -1);
    String[] have = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : new String[0];
    if (want.length != have.length) {
      return Optional.empty();
    }
    Map<String, String> parameters = new HashMap<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith("{") && want[i].endsWith("}")) {
        if (have[i].isEmpty()) {
          return Optional.empty();
        }
        parameters.put(
            want[i].substring(1, want[i].length() - 1),
            URLDecoder.decode(have[i].replace("+", "%2B"), StandardCharsets.UTF_8));
      } else if (!want[i].equals(have[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(parameters);
  }

  private static APIGatewayV2HTTPEvent event(
      HttpExchange exchange,
      ApiRoutes.Route route,
      String path,
      Map<String, String> parameters,
      byte[] body,
      Map<String, String> claims,
      String requestId) {
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
    String rawQuery = exchange.getRequestURI().getRawQuery();
    Map<String, String> query = null;
    if (rawQuery != null && !rawQuery.isEmpty()) {
      query = new HashMap<>();
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.merge(name, value, (a, b) -> a + "," + b);
      }
    }
    var context =
        APIGatewayV2HTTPEvent.RequestContext.builder()
            .withRequestId(requestId)
            .withRouteKey(route.key())
            .withStage("$default")
            .withTimeEpoch(Instant.now().toEpochMilli())
            .withHttp(
                APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                    .withMethod(route.method())
                    .withPath(path)
                    .withProtocol("HTTP/1.1")
                    .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                    .withUserAgent(headers.get("user-agent"))
                    .build())
            .withAuthorizer(
                APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(
                        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                            .builder()
                            .withClaims(claims)
                            .withScopes(List.of())
                            .build())
                    .build())
            .build();
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(route.key())
        .withRawPath(path)
        .withRawQueryString(rawQuery == null ? "" : rawQuery)
        .withHeaders(headers)
        .withQueryStringParameters(query)
        .withPathParameters(parameters)
        .withBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8))
        .withIsBase64Encoded(false)
        .withRequestContext(context)
        .build();
  }

  private static void respond(HttpExchange exchange, APIGatewayV2HTTPResponse response)
      throws IOException {
    if (response.getHeaders() != null) {
      response
          .getHeaders()
          .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    }
    byte[] bytes =
        response.getBody() == null
            ? new byte[0]
            : response.getBody().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(response.getStatusCode(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void problem(
      HttpExchange exchange, ProblemType type, String detail, String path, String requestId)
      throws IOException {
    problem(exchange, type, detail, null, path, requestId);
  }

  private void problem(
      HttpExchange exchange,
      ProblemType type,
      String detail,
      String field,
      String path,
      String requestId)
      throws IOException {
    var body =
        new Problem(type.uri(), type.title(), type.status(), detail, path, field, null, requestId);
    write(exchange, type.status(), "application/problem+json", json.writeValueAsBytes(body));
  }

  private static void write(HttpExchange exchange, int status, String contentType, byte[] bytes)
      throws IOException {
    exchange.getResponseHeaders().set("content-type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The body, or null when it exceeds {@link #MAX_PAYLOAD_BYTES}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
    if (bytes.length > MAX_PAYLOAD_BYTES) {
      in.transferTo(OutputStream.nullOutputStream());
      return null;
    }
    return bytes;
  }
}
