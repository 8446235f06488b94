package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.TableSpec;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestCaKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Bad input on every route of {@link ApiRoutes#ALL}, through the real graph over Dynoxide and
 * ElasticMQ: each answer is a 4xx RFC 9457 problem (never a 500, never a 2xx), and no table or
 * queue changed. The routes' good paths are the services' tests' business; this is the edge.
 */
class BadInputTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String ALICE = "alice";
  private static final String BOB = "bob";
  private static final String ROOT = "root";
  private static final String PROJECT = "shop";
  private static final String NO_WS = "ws-0123456789abcdefghjkmnpqrs";
  private static final String NO_BS = "bs-0123456789abcdefghjkmnpqrs";

  /** Alice's workspace and build schedule, made in the set-up: the path's ids. */
  private static String ws;

  private static String bs;
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJf"
          + "x2 alice@laptop";
  private static final String HUGE = "x".repeat(100 * 1024);
  private static final String LONG = "x".repeat(5000);

  private FunctionsComponent graph;
  private List<String> buildQueues;

  /** One request: a route, its path parameters, query, headers, body and caller. */
  private record Call(
      String method,
      String template,
      Map<String, String> path,
      Map<String, String> query,
      Map<String, String> headers,
      String body,
      boolean base64,
      String subject,
      boolean admin) {

    Call {
      path = new LinkedHashMap<>(path);
      query = new LinkedHashMap<>(query);
      headers = new LinkedHashMap<>(headers);
    }

    static Call of(String method, String template, String subject, boolean admin) {
      Map<String, String> path = new LinkedHashMap<>();
      for (String name : List.of("userId", "workspaceId", "scheduleId", "keyName")) {
        if (template.contains("{" + name + "}")) {
          path.put(
              name,
              switch (name) {
                case "userId" -> subject;
                case "workspaceId" -> ws;
                case "scheduleId" -> bs;
                default -> "laptop";
              });
        }
      }
      if (template.contains("{projectName}")) {
        path.put("projectName", PROJECT);
      }
      if (template.contains("{hostId}")) {
        path.put("hostId", "h1");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      if (List.of("POST", "PUT").contains(method)) {
        headers.put("content-type", "application/json");
      }
      return new Call(method, template, path, Map.of(), headers, null, false, subject, admin);
    }

    Call body(String body) {
      return new Call(method, template, path, query, headers, body, false, subject, admin);
    }

    Call base64Body(byte[] body) {
      return new Call(
          method,
          template,
          path,
          query,
          headers,
          Base64.getEncoder().encodeToString(body),
          true,
          subject,
          admin);
    }

    Call path(String name, String value) {
      var changed = new LinkedHashMap<>(path);
      changed.put(name, value);
      return new Call(method, template, changed, query, headers, body, base64, subject, admin);
    }

    Call query(String name, String value) {
      var changed = new LinkedHashMap<>(query);
      changed.put(name, value);
      return new Call(method, template, path, changed, headers, body, base64, subject, admin);
    }

    Call header(String name, String value) {
      var changed = new LinkedHashMap<>(headers);
      if (value == null) {
        changed.remove(name);
      } else {
        changed.put(name, value);
      }
      return new Call(method, template, path, query, changed, body, base64, subject, admin);
    }

    Call as(String subject, boolean admin) {
      return new Call(method, template, path, query, headers, body, base64, subject, admin);
    }

    String rawPath() {
      String raw = template;
      for (var entry : path.entrySet()) {
        raw = raw.replace("{" + entry.getKey() + "}", entry.getValue());
      }
      return raw;
    }

    @Override
    public String toString() {
      String shownBody =
          body == null ? "" : body.length() > 80 ? body.substring(0, 80) + "…" : body;
      return method
          + " "
          + abbreviate(rawPath())
          + (query.isEmpty() ? "" : " " + abbreviate(query.toString()))
          + " "
          + shownBody
          + (subject == null ? " (no claims)" : " as " + subject + (admin ? " (admin)" : ""));
    }

    private static String abbreviate(String s) {
      return s.length() > 100 ? s.substring(0, 100) + "…(" + s.length() + ")" : s;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.DYNAMODB_ENDPOINT, dynamo.endpoint().toString());
    env.put(FunctionsEnv.SQS_ENDPOINT, sqs.endpoint().toString());
    env.putAll(dynamo.tableSettings());
    env.put(FunctionsEnv.SSH_CA_KEY_FILE, TestCaKey.temporary().toString());
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, sqs.hostQueuePrefix());
    String amd64 = sqs.createQueue("builds-amd64");
    String arm64 = sqs.createQueue("builds-arm64");
    buildQueues = List.of(amd64, arm64);
    env.put(FunctionsEnv.BUILD_QUEUE_URL_AMD64, amd64);
    env.put(FunctionsEnv.BUILD_QUEUE_URL_ARM64, arm64);
    graph = FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC());

    // A project with an image, an SSH key of alice's and a host: what the bad requests aim at.
    expect(
        200,
        Call.of("PUT", ApiRoutes.PROJECT, ROOT, true)
            .body(
                "{\"source\":{\"type\":\"git\",\"url\":\"https://git.example/shop.git\"},"
                    + "\"baseImage\":\"debian:12\",\"parents\":[\"main\"]}"));
    expect(
        201,
        Call.of("POST", ApiRoutes.PROJECT_IMAGES, ROOT, true)
            .body(
                "{\"parentName\":\"main\",\"arch\":\"amd64\",\"change\":\"1\","
                    + "\"imageRef\":\"a4c-base:shop-1\"}"));
    expect(201, Call.of("PUT", ApiRoutes.SSH_KEY, ALICE, false).body(keyBody(KEY)));
    expect(
        200,
        Call.of("PUT", ApiRoutes.PROJECT, ROOT, true)
            .path("projectName", "depot")
            .body(
                "{\"source\":{\"type\":\"perforce\",\"depotPath\":\"//depot/shop\"},"
                    + "\"baseImage\":\"debian:12\",\"parents\":[\"main\"]}"));
    sqs.createHostQueue("h1");
    var beat =
        Heartbeat.of(
            "h1",
            Arch.AMD64,
            1L << 30,
            1_000L << 30,
            List.of("a4c-base:shop-1"),
            10,
            0,
            Instant.now());
    new HostStore(dynamo.client(), dynamo.table(A4cTables.HOSTS))
        .applyHeartbeat(beat, Instant.now());
    new io.a4c.functions.hosts.HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES))
        .index(beat, Instant.now());
    ws =
        readTree(
                expect(
                        202,
                        Call.of("POST", ApiRoutes.WORKSPACES, ALICE, false)
                            .body(validBodies().get(key("POST", ApiRoutes.WORKSPACES))))
                    .getBody())
            .path("workspaceId")
            .asText();
    bs =
        readTree(
                expect(
                        202,
                        Call.of("POST", ApiRoutes.IMAGE_SCHEDULES, ALICE, false)
                            .body(validBodies().get(key("POST", ApiRoutes.IMAGE_SCHEDULES))))
                    .getBody())
            .path("scheduleId")
            .asText();
  }

  // ---- the bad inputs ----

  /** Bodies that are not a JSON object of the route's type, for every route that reads one. */
  private static final List<String> NOT_AN_OBJECT =
      List.of(
          "{",
          "not json",
          "{\"a\":}",
          "[]",
          "[{}]",
          "\"a string\"",
          "42",
          "-1.5e400",
          "null",
          "true",
          "{}",
          "{\"x\":1}{\"y\":2}",
          "{\"a\":1,\"a\":2}",
          "[".repeat(5000),
          "{\"bogus\":1}",
          "\uFEFF{}",
          "\u0000");

  /** Values no string field of a body takes. */
  private static final List<String> BAD_STRINGS =
      List.of(
          "{}",
          "[{}]",
          "\"\"",
          "\" \"",
          q(LONG),
          q(HUGE),
          q("ünïcödé"),
          q("a\u0000b"),
          q("a\nb"),
          q("a#b"),
          q("../.."),
          q("#"),
          q("a b;rm -rf /"),
          q("\uD800"));

  @TestFactory
  Stream<DynamicTest> everyRouteRefusesBadInputWithAProblemAndChangesNothing() {
    List<Call> refused = new ArrayList<>();
    List<Call> notServerErrors = new ArrayList<>();
    Map<String, String> validBodies = validBodies();

    for (var route : ApiRoutes.ALL) {
      String method = route.method();
      String template = route.path();
      Call base = callerOf(method, template);

      // Bodies of routes that read one.
      String valid = validBodies.get(route.key());
      if (valid != null) {
        for (String body : NOT_AN_OBJECT) {
          refused.add(base.body(body));
        }
        refused.add(base.body(withField(valid, "bogus", "1")));
        refused.add(base.body(valid).header("content-type", "text/plain"));
        refused.add(base.body(valid).header("content-type", "application/xml"));
        refused.add(base.body(valid).header("content-type", "multipart/form-data"));
        refused.add(base.body(valid).header("content-type", "application/jsonp"));
        refused.add(base.body(valid).header("content-type", "application/json-patch+json"));
        refused.add(base.body(valid).header("content-type", null));
        refused.add(base.body(HUGE));
        refused.add(base.base64Body(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
        refused.add(base.base64Body(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}));
        JsonNode tree = readTree(valid);
        List<String> fields = new ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        // A member sent twice, even with the same value.
        refused.add(
            base.body(
                "{"
                    + q(fields.getFirst())
                    + ":"
                    + tree.get(fields.getFirst())
                    + ","
                    + valid.substring(1)));
        for (String field : fields) {
          for (String bad : BAD_STRINGS) {
            refused.add(base.body(withField(valid, field, bad)));
          }
          for (String maybe :
              List.of("null", "123", "-1", "1.5", "true", "1e999", "[]", "[\"a\"]", q("a/b"))) {
            notServerErrors.add(base.body(withField(valid, field, maybe)));
          }
        }
        if (!method.equals("POST") || !template.endsWith("/rebuild")) {
          refused.add(base.body(""));
          refused.add(base.body(null));
        }
      }

      // Path parameters.
      for (String name : base.path().keySet()) {
        for (String bad :
            List.of(
                "",
                "#",
                "a#b",
                "..",
                "a/b",
                "a%2Fb",
                "%2e%2e",
                "x".repeat(1025),
                "ünï",
                "a\u0000b",
                "a b",
                "ws-0123456789ABCDEFGHJKMNPQRS",
                "-leading")) {
          Call call = base.path(name, bad);
          if (name.equals("userId")) {
            call = call.as(call.subject(), call.admin());
          }
          refused.add(call);
        }
      }

      // Query parameters every listing might read.
      if (method.equals("GET")) {
        for (String limit :
            List.of(
                "-1",
                "0",
                "101",
                "abc",
                "1.5",
                "99999999999",
                "",
                " 1",
                "+5",
                "\u0665",
                "\uFF15")) {
          Call call = base.query("limit", limit);
          if (takesLimit(template)) {
            refused.add(call);
          } else {
            notServerErrors.add(call);
          }
        }
        for (String token :
            List.of(
                "garbage",
                "",
                ".",
                "a.b",
                "YWxpY2U.",
                "x".repeat(600),
                "x".repeat(100_000),
                "%00",
                "####")) {
          Call call = base.query("nextToken", token);
          if (takesLimit(template)) {
            refused.add(call);
          } else {
            notServerErrors.add(call);
          }
        }
      }
      if (template.equals(ApiRoutes.IMAGE_SCHEDULE_LOG)) {
        for (String after :
            List.of("-1", "abc", "1.5", "1e3", "9223372036854775808", "", "+5", "\u0665")) {
          refused.add(base.query("after", after));
        }
        notServerErrors.add(base.query("after", "9223372036854775807"));
      }
      if (template.equals(ApiRoutes.AUDIT)) {
        for (String user : List.of("", "a#b", "x".repeat(200), "ünï", "a/b")) {
          refused.add(base.query("userId", user));
        }
      }
      if (method.equals("DELETE") && template.equals(ApiRoutes.WORKSPACE)) {
        refused.add(base.query("force", "yes"));
        refused.add(base.query("force", ""));
        refused.add(base.query("force", "TRUE"));
      }

      // Who calls: nobody, a token without a usable subject, another user, not an admin.
      refused.add(base.as(null, false));
      refused.add(base.as("", false));
      refused.add(base.as("a#b", false));
      refused.add(base.as("x".repeat(200), false));
      if (base.path().containsKey("userId")) {
        refused.add(base.as(BOB, false));
        if (!base.admin()) {
          refused.add(base.path("userId", BOB));
        }
      }
      if (base.admin()) {
        refused.add(base.as(ALICE, false));
      }
    }

    // Creation's Idempotency-Key.
    Call create =
        callerOf("POST", ApiRoutes.WORKSPACES)
            .body(validBodies.get(key("POST", ApiRoutes.WORKSPACES)));
    for (String idem : List.of("x".repeat(129), "x".repeat(10_000), "a#b", "", " ", "ünï", "a/b")) {
      refused.add(
          create
              .header("idempotency-key", idem)
              .body(withField(create.body(), "arch", q("sparc"))));
      notServerErrors.add(create.header("idempotency-key", idem));
    }
    // An admin on an SSH key route: 403, not a way in.
    refused.add(callerOf("GET", ApiRoutes.SSH_KEYS).as(ROOT, true).path("userId", ALICE));
    refused.add(
        callerOf("PUT", ApiRoutes.SSH_KEY).as(ROOT, true).path("userId", ALICE).body(keyBody(KEY)));

    // Bad SSH keys.
    Call putKey = callerOf("PUT", ApiRoutes.SSH_KEY).path("keyName", "other");
    for (String key :
        List.of(
            "",
            "ssh-ed25519",
            "ssh-ed25519 ",
            "ssh-ed25519 AAAA",
            "ssh-ed25519 !!!!",
            "ssh-ed25519 " + "A".repeat(4000),
            KEY + "\n" + KEY,
            KEY.replace("ssh-ed25519", "ssh-rsa"),
            "command=\"x\" " + KEY,
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJf",
            "\u0000\u0001\u0002")) {
      refused.add(putKey.body(keyBody(key)));
    }

    // Taken, though odd: the key's data is decoded leniently, and what is stored is the key
    // re-encoded, without the NUL.
    notServerErrors.add(
        putKey.body(
            keyBody(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2\u0000")));

    // Project configurations with bad members.
    Call putProject = callerOf("PUT", ApiRoutes.PROJECT);
    String project = validBodies.get(key("PUT", ApiRoutes.PROJECT));
    for (String[] member :
        new String[][] {
          {"workspaceSize", "{\"cpus\":\"NaN\",\"memoryMb\":4096,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":\"Infinity\",\"memoryMb\":4096,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":-1,\"memoryMb\":4096,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":1e308,\"memoryMb\":4096,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":2,\"memoryMb\":1e30,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":2,\"memoryMb\":99999999999999999999,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":2,\"memoryMb\":-5,\"pids\":4096}"},
          {"workspaceSize", "{\"cpus\":2,\"memoryMb\":4096}"},
          {"workspaceSize", "{}"},
          {"workspaceSize", "[]"},
          {"workspaceSize", "\"big\""},
          {"quotas", "{\"maxWorkspacesPerUser\":-1}"},
          {"quotas", "{\"maxWorkspacesPerUser\":99999999999}"},
          {"quotas", "{\"maxWorkspacesPerUser\":\"many\"}"},
          {"quotas", "{\"maxBuildsInFlightPerUser\":1001}"},
          {"quotas", "[]"},
          {"quotas", "{\"maxWorkspacesPerUser\":2.7}"},
          {"warmPool", "{\"size\":1.5}"},
          {"prefetch", "{\"hosts\":2.5}"},
          {"lifecycle", "{\"idleStopMinutes\":30.5}"},
          {"workspaceSize", "{\"cpus\":2,\"memoryMb\":4096.5,\"pids\":4096}"},
          {"lifecycle", "{\"idleStopMinutes\":-1}"},
          {"lifecycle", "{\"deleteAfterStoppedDays\":3651}"},
          {"lifecycle", "{\"bogus\":1}"},
          {"prefetch", "{\"hosts\":-1}"},
          {"prefetch", "{\"percent\":0}"},
          {"prefetch", "{\"percent\":101}"},
          {"warmPool", "{\"size\":21}"},
          {"warmPool", "{\"size\":-1}"},
          {"warmPool", "5"},
          {"tools", "[null]"},
          {"tools", "[\"a b\"]"},
          {"tools", "[\"#\"]"},
          {"tools", "\"git\""},
          {"tools", "[[]]"},
          {"tools", "[" + "\"t\",".repeat(100) + "\"t\"]"},
          {"parents", "[]"},
          {"parents", "[null]"},
          {"parents", "[\"a#b\"]"},
          {"parents", "[\"..\"]"},
          {"parents", "[\"\"]"},
          {"parents", "null"},
          {"setup", "[\"echo\\nrm\"]"},
          {"setup", "[\"echo \\\\\"]"},
          {"setup", "[" + q("x".repeat(1025)) + "]"},
          {"setup", "[null]"},
          {"builders", "[\"a#b\"]"},
          {"builders", "[null]"},
          {"builders", "[\"\"]"},
          {"recurringBuilds", "[null]"},
          {"recurringBuilds", "[{}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"bogus\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":null}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(99 99 ? * * *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 * * * *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0/0 3 ? * * *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * MON-FRI#9 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 9 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 32 * ? *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 L-40 * ? *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 99W * ? *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 1-9 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 5-1 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * 1900-3000)\"}]"},
          {
            "recurringBuilds",
            "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * 99999999999)\"}]"
          },
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * *\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron()\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"rate(1 day)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(,,, ? * * *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 2#0 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 2#x *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * L#2 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * 1969)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * 0/0)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 1W-5 * ? *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * -1 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 0 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 2-2/0 *)\"}]"},
          {"recurringBuilds", "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * ,2 *)\"}]"},
          {
            "recurringBuilds",
            "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * 2/99999999999 *)\"}]"
          },
          {
            "recurringBuilds",
            "[{\"parentName\":\"main\",\"arch\":\"sparc\",\"cron\":\"cron(0 3 ? * * *)\"}]"
          },
          {"recurringBuilds", "[{\"parentName\":\"dev\",\"cron\":\"cron(0 3 ? * * *)\"}]"},
          {"tools", "[\"git\",\"git\"]"},
          {"builders", "[\"alice\",\"bob\",\"alice\"]"},
          {"builders", "[\"*\",\"*\"]"},
          {
            "recurringBuilds",
            "[{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * *)\"},"
                + "{\"parentName\":\"main\",\"arch\":\"amd64\",\"cron\":\"cron(0 3 ? * * *)\"}]"
          },
          {"parents", "[\"main\",\"main\"]"},
          {"parents", "[\"main\",\"release\",\"main\"]"},
          {"source", "{\"type\":\"perforce\",\"depotPath\":\"//depot/../x\"}"},
          {"source", "{\"type\":\"perforce\",\"depotPath\":\"//depot/x\",\"url\":\"https://a\"}"},
          {"source", "{\"type\":\"git\",\"url\":\"https://a/../b\"}"},
          {"source", "{\"type\":\"git\",\"url\":\"javascript:alert(1)\"}"},
          {"source", "{\"type\":\"git\",\"url\":\"https://a b\"}"},
          {"source", "{\"type\":\"svn\",\"url\":\"https://a\"}"},
          {"source", "{\"type\":null}"},
          {"source", "{}"},
          {"source", "null"},
          {"source", "[]"},
          {"baseImage", q("Debian:12")},
          {"baseImage", q("debian:12 ; rm")},
          {"baseImage", q("debian@sha256:zz")},
        }) {
      refused.add(putProject.body(withField(project, member[0], member[1])));
    }

    // Well-formed schedules that EventBridge takes too, though some never fire.
    for (String cron :
        List.of(
            "cron(0 3 ? FEB 2L *)",
            "cron(0 3 30 FEB ? *)",
            "cron(0 3 ? * * 2000)",
            "cron(0 3 ? * * 2100)")) {
      notServerErrors.add(
          putProject.body(
              withField(
                  project,
                  "recurringBuilds",
                  "[{\"parentName\":\"main\",\"cron\":" + q(cron) + "}]")));
    }

    // Host status and recurring-builds switch values.
    Call hostStatus = callerOf("PUT", ApiRoutes.HOST_STATUS);
    for (String status : List.of("\"DOWN\"", "\"active\"", "null", "1", "[]", "\"\"")) {
      refused.add(hostStatus.body("{\"status\":" + status + "}"));
    }
    Call recurring = callerOf("PUT", ApiRoutes.RECURRING_BUILDS);
    for (String paused :
        List.of("\"yes\"", "\"true\"", "null", "[]", "{}", "\"\"", "2", "1", "0")) {
      refused.add(recurring.body("{\"paused\":" + paused + "}"));
    }

    // Arch and the like on creates.
    Call createSchedule = callerOf("POST", ApiRoutes.IMAGE_SCHEDULES);
    String schedule = validBodies.get(key("POST", ApiRoutes.IMAGE_SCHEDULES));
    for (String arch : List.of("\"sparc\"", "\"\"", "\"AMD64 \"", "[]", "1")) {
      refused.add(createSchedule.body(withField(schedule, "arch", arch)));
      refused.add(create.body(withField(create.body(), "arch", arch)));
    }
    refused.add(createSchedule.body(withField(schedule, "project", q("nosuch"))));
    refused.add(create.body(withField(create.body(), "projectName", q("nosuch"))));
    refused.add(create.body(withField(create.body(), "parentName", q("nosuch"))));
    refused.add(create.body(withField(create.body(), "change", q("999"))));
    refused.add(createSchedule.body(withField(schedule, "parentName", q("nosuch"))));
    refused.add(
        createSchedule
            .body(withField(schedule, "project", q("depot")))
            .body(withField(withField(schedule, "project", q("depot")), "change", q("abc"))));
    refused.add(
        createSchedule.body(
            withField(withField(schedule, "project", q("depot")), "change", q("0"))));
    Call registerImage = callerOf("POST", ApiRoutes.PROJECT_IMAGES);
    String image = validBodies.get(key("POST", ApiRoutes.PROJECT_IMAGES));
    refused.add(registerImage.body(withField(image, "parentName", q("nosuch"))));
    refused.add(registerImage.path("projectName", "nosuch").body(image));
    // A Perforce project's image is of a changelist number or head, as its builds are.
    refused.add(
        registerImage.path("projectName", "depot").body(withField(image, "change", q("abc"))));
    // Paths that name nothing: another workspace or schedule of the right form.
    for (var route : ApiRoutes.ALL) {
      Call call = callerOf(route.method(), route.path());
      if (call.path().containsKey("workspaceId")) {
        refused.add(call.path("workspaceId", NO_WS).body(call.body()));
        refused.add(call.path("workspaceId", NO_WS).as(ROOT, true).path("userId", ALICE));
      }
      if (call.path().containsKey("scheduleId")) {
        refused.add(call.path("scheduleId", NO_BS));
        refused.add(call.path("scheduleId", NO_BS).as(ROOT, true).path("userId", ALICE));
      }
    }
    refused.add(
        callerOf("DELETE", ApiRoutes.WORKSPACE)
            .as(ROOT, true)
            .path("userId", ALICE)
            .path("workspaceId", NO_WS)
            .query("force", "true"));
    refused.add(callerOf("DELETE", ApiRoutes.WORKSPACE).query("force", "true"));
    refused.add(callerOf("POST", ApiRoutes.WORKSPACE_REBUILD).body("{\"change\":\"999\"}"));
    refused.add(callerOf("DELETE", ApiRoutes.SSH_KEY).path("keyName", "nosuch"));
    refused.add(
        callerOf("POST", ApiRoutes.WORKSPACES)
            .as(ROOT, true)
            .path("userId", "nobody-yet")
            .body(withField(create.body(), "arch", q("arm64"))));

    List<DynamicTest> tests = new ArrayList<>();
    for (Call call : refused) {
      tests.add(DynamicTest.dynamicTest("refused: " + call, () -> assertRefused(call)));
    }
    for (Call call : notServerErrors) {
      tests.add(
          DynamicTest.dynamicTest("answered: " + call, () -> assertAnsweredWithoutFault(call)));
    }
    return tests.stream();
  }

  /**
   * {@code limit} and {@code after} are written in the ASCII digits 0-9 only: a sign, or another
   * script's digits (Arabic-Indic, Devanagari, fullwidth), which {@link Integer#parseInt} takes,
   * are a 400 naming the parameter. Leading zeros are still digits.
   */
  @Test
  void integerQueryParametersTakeTheAsciiDigitsOnly() {
    List<String> notAsciiDigits =
        List.of("+5", "+05", "\u0665", "\u0661\u0660", "\u096B", "\uFF15", "5\u0665", "-0");
    for (String list : List.of(ApiRoutes.WORKSPACES, ApiRoutes.IMAGE_SCHEDULES, ApiRoutes.AUDIT)) {
      Call base = callerOf("GET", list);
      for (String limit : notAsciiDigits) {
        assertRefusedNaming(base.query("limit", limit), "limit");
      }
      expect(200, base.query("limit", "5"));
      expect(200, base.query("limit", "05"));
    }
    Call log = callerOf("GET", ApiRoutes.IMAGE_SCHEDULE_LOG);
    for (String after : notAsciiDigits) {
      assertRefusedNaming(log.query("after", after), "after");
    }
    // Taken: the schedule has no log yet, which is what answers.
    for (String after : List.of("0", "007")) {
      assertThat(readTree(expect(404, log.query("after", after)).getBody()).path("reason").asText())
          .isEqualTo("no-log");
    }
  }

  /**
   * A project's {@code parents}, {@code tools}, {@code builders} and {@code recurringBuilds} name
   * each entry once: a repeat is a 400 naming it, and the stored project is as it was. {@code
   * setup} may repeat a command.
   */
  @Test
  void aProjectListWithARepeatedEntryIsA400NamingTheRepeat() {
    Call put = callerOf("PUT", ApiRoutes.PROJECT);
    String project = validBodies().get(key("PUT", ApiRoutes.PROJECT));
    String nightly = "{\"parentName\":\"main\",\"cron\":\"cron(0 3 ? * * *)\"}";
    for (String[] member :
        new String[][] {
          {"parents", "[\"main\",\"main\"]", "parents[1]"},
          {"tools", "[\"git\",\"make\",\"git\"]", "tools[2]"},
          {"builders", "[\"alice\",\"alice\"]", "builders[1]"},
          {"builders", "[\"*\",\"alice\",\"*\"]", "builders[2]"},
          {"recurringBuilds", "[" + nightly + "," + nightly + "]", "recurringBuilds[1]"},
          {
            "recurringBuilds",
            "["
                + nightly
                + ",{\"parentName\":\"main\",\"arch\":\"amd64\",\"cron\":\"cron(0 3 ? * * *)\"}]",
            "recurringBuilds[1]"
          },
        }) {
      assertRefusedNaming(put.body(withField(project, member[0], member[1])), member[2]);
    }

    var taken =
        expect(
            200, put.body(withField(project, "setup", "[\"echo ready\",\"make\",\"echo ready\"]")));
    assertThat(readTree(taken.getBody()).at("/config/setup").toString())
        .isEqualTo("[\"echo ready\",\"make\",\"echo ready\"]");
  }

  @Test
  void pageTokensThatWereNotIssuedForTheListAreA400() throws Exception {
    // Two audit entries from the set-up: a page of one has a next token.
    var page = expect(200, Call.of("GET", ApiRoutes.AUDIT, ROOT, true).query("limit", "1"));
    String token = JSON.readTree(page.getBody()).path("nextToken").asText();
    assertThat(token).isNotEmpty();
    assertRefused(
        Call.of("GET", ApiRoutes.AUDIT, ROOT, true)
            .query("nextToken", token.substring(0, token.length() - 1)));
    assertRefused(
        Call.of("GET", ApiRoutes.AUDIT, ROOT, true).query("nextToken", token.substring(1)));
    assertRefused(Call.of("GET", ApiRoutes.AUDIT, ROOT, true).query("nextToken", token + "A"));
    assertRefused(
        Call.of("GET", ApiRoutes.AUDIT, ROOT, true).query("nextToken", token.replace('.', '#')));
    assertRefused(
        Call.of("GET", ApiRoutes.AUDIT, ROOT, true)
            .query("nextToken", token)
            .query("userId", ALICE));
    for (String list : List.of(ApiRoutes.WORKSPACES, ApiRoutes.IMAGE_SCHEDULES)) {
      assertRefused(Call.of("GET", list, ALICE, false).query("nextToken", token));
      assertRefused(
          Call.of("GET", list, ROOT, true).path("userId", ALICE).query("nextToken", token));
    }
  }

  @Test
  void refusedCreatesLeaveTheListsAsTheyWere() throws Exception {
    String workspaces = expect(200, Call.of("GET", ApiRoutes.WORKSPACES, ALICE, false)).getBody();
    String keys = expect(200, Call.of("GET", ApiRoutes.SSH_KEYS, ALICE, false)).getBody();
    String schedules =
        expect(200, Call.of("GET", ApiRoutes.IMAGE_SCHEDULES, ALICE, false)).getBody();
    String project = expect(200, Call.of("GET", ApiRoutes.PROJECT, ROOT, true)).getBody();
    String images = expect(200, Call.of("GET", ApiRoutes.PROJECT_IMAGES, ROOT, true)).getBody();

    var valid = validBodies();
    assertRefused(
        Call.of("POST", ApiRoutes.WORKSPACES, ALICE, false)
            .body(withField(valid.get(key("POST", ApiRoutes.WORKSPACES)), "name", q("a#b"))));
    assertRefused(
        Call.of("POST", ApiRoutes.IMAGE_SCHEDULES, ALICE, false)
            .body(
                withField(valid.get(key("POST", ApiRoutes.IMAGE_SCHEDULES)), "change", q("1;x"))));
    assertRefused(
        Call.of("PUT", ApiRoutes.SSH_KEY, ALICE, false)
            .path("keyName", "k2")
            .body(keyBody("ssh-ed25519 AAAA")));
    assertRefused(
        Call.of("PUT", ApiRoutes.PROJECT, ROOT, true)
            .body(withField(valid.get(key("PUT", ApiRoutes.PROJECT)), "parents", "[]")));
    assertRefused(
        Call.of("POST", ApiRoutes.PROJECT_IMAGES, ROOT, true)
            .body(
                withField(valid.get(key("POST", ApiRoutes.PROJECT_IMAGES)), "imageRef", q("a b"))));

    assertThat(expect(200, Call.of("GET", ApiRoutes.WORKSPACES, ALICE, false)).getBody())
        .isEqualTo(workspaces);
    assertThat(expect(200, Call.of("GET", ApiRoutes.SSH_KEYS, ALICE, false)).getBody())
        .isEqualTo(keys);
    assertThat(expect(200, Call.of("GET", ApiRoutes.IMAGE_SCHEDULES, ALICE, false)).getBody())
        .isEqualTo(schedules);
    assertThat(expect(200, Call.of("GET", ApiRoutes.PROJECT, ROOT, true)).getBody())
        .isEqualTo(project);
    assertThat(expect(200, Call.of("GET", ApiRoutes.PROJECT_IMAGES, ROOT, true)).getBody())
        .isEqualTo(images);
  }

  // ---- checks ----

  private void assertRefused(Call call) {
    var before = snapshot();
    var response = send(call);
    assertThat(response.getStatusCode())
        .as("%s answered %s", call, response.getBody())
        .isBetween(400, 499);
    assertProblem(call, response);
    assertThat(snapshot()).as("what %s left behind", call).isEqualTo(before);
  }

  /** As {@link #assertRefused}, and a 400 whose problem names {@code field}. */
  private void assertRefusedNaming(Call call, String field) {
    var before = snapshot();
    var response = send(call);
    assertThat(response.getStatusCode())
        .as("%s answered %s", call, response.getBody())
        .isEqualTo(400);
    assertProblem(call, response);
    assertThat(readTree(response.getBody()).path("field").asText())
        .as("%s field", call)
        .isEqualTo(field);
    assertThat(snapshot()).as("what %s left behind", call).isEqualTo(before);
  }

  private void assertAnsweredWithoutFault(Call call) {
    var response = send(call);
    assertThat(response.getStatusCode())
        .as("%s answered %s", call, response.getBody())
        .isNotEqualTo(500)
        .isLessThan(504);
    if (response.getStatusCode() >= 400) {
      assertProblem(call, response);
    }
  }

  private static void assertProblem(Call call, APIGatewayV2HTTPResponse response) {
    assertThat(response.getHeaders())
        .as("%s headers", call)
        .containsEntry("content-type", "application/problem+json");
    JsonNode problem = readTree(response.getBody());
    assertThat(problem.path("type").asText()).as("%s type", call).startsWith(ProblemType.BASE);
    assertThat(problem.path("title").asText()).as("%s title", call).isNotEmpty();
    assertThat(problem.path("status").asInt())
        .as("%s status", call)
        .isEqualTo(response.getStatusCode());
    assertThat(problem.path("detail").asText()).as("%s detail", call).isNotEmpty();
  }

  private APIGatewayV2HTTPResponse expect(int status, Call call) {
    var response = send(call);
    assertThat(response.getStatusCode())
        .as("%s answered %s", call, response.getBody())
        .isEqualTo(status);
    return response;
  }

  /** Every item of every table, and how many messages each build queue holds. */
  private Map<String, Object> snapshot() {
    Map<String, Object> all = new HashMap<>();
    for (TableSpec table : A4cTables.ALL) {
      List<Map<String, AttributeValue>> items = new ArrayList<>();
      dynamo
          .client()
          .scanPaginator(b -> b.tableName(dynamo.table(table)))
          .items()
          .forEach(items::add);
      all.put(table.id(), items);
    }
    for (String queue : buildQueues) {
      all.put(
          queue,
          sqs.client()
              .getQueueAttributes(
                  b ->
                      b.queueUrl(queue)
                          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
              .attributes());
    }
    return all;
  }

  private APIGatewayV2HTTPResponse send(Call call) {
    var route =
        ApiRoutes.ALL.stream()
            .filter(r -> r.method().equals(call.method()) && r.path().equals(call.template()))
            .findFirst()
            .orElseThrow();
    ApiHandler handler =
        switch (route.function()) {
          case WORKSPACES -> graph.workspacesApi();
          case ADMIN -> graph.adminApi();
          case IMAGE_SCHEDULES -> graph.imageSchedulesApi();
          case SSH_KEYS -> graph.sshKeysApi();
        };
    var context = new APIGatewayV2HTTPEvent.RequestContext();
    context.setRequestId("req-bad-input");
    var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(call.method());
    http.setPath(call.rawPath());
    http.setSourceIp("203.0.113.7");
    context.setHttp(http);
    if (call.subject() != null) {
      var jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
      Map<String, String> claims = new HashMap<>();
      claims.put("sub", call.subject());
      claims.put("admin", Boolean.toString(call.admin()));
      jwt.setClaims(claims);
      var authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
      authorizer.setJwt(jwt);
      context.setAuthorizer(authorizer);
    }
    var event = new APIGatewayV2HTTPEvent();
    event.setRouteKey(route.key());
    event.setRawPath(call.rawPath());
    event.setPathParameters(call.path());
    event.setQueryStringParameters(call.query().isEmpty() ? null : call.query());
    event.setHeaders(call.headers());
    event.setBody(call.body());
    event.setIsBase64Encoded(call.base64());
    event.setRequestContext(context);
    var response = handler.handle(event);
    assertThat(response).as("%s", call).isNotNull();
    return response;
  }

  // ---- bodies ----

  private static Map<String, String> validBodies() {
    Map<String, String> bodies = new HashMap<>();
    bodies.put(
        key("POST", ApiRoutes.WORKSPACES),
        "{\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"amd64\",\"name\":\"mine\"}");
    bodies.put(key("POST", ApiRoutes.WORKSPACE_REBUILD), "{\"change\":\"1\"}");
    bodies.put(
        key("PUT", ApiRoutes.PROJECT),
        "{\"source\":{\"type\":\"git\",\"url\":\"https://git.example/shop.git\"},"
            + "\"baseImage\":\"debian:12\",\"parents\":[\"main\"],\"tools\":[\"git\"],"
            + "\"setup\":[\"echo ready\"]}");
    bodies.put(
        key("POST", ApiRoutes.PROJECT_IMAGES),
        "{\"parentName\":\"main\",\"arch\":\"amd64\",\"change\":\"2\","
            + "\"imageRef\":\"a4c-base:shop-2\"}");
    bodies.put(key("PUT", ApiRoutes.HOST_STATUS), "{\"status\":\"DRAINING\"}");
    bodies.put(
        key("POST", ApiRoutes.IMAGE_SCHEDULES),
        "{\"imageName\":\"img\",\"project\":\"shop\",\"change\":\"2\",\"parentName\":\"main\","
            + "\"arch\":\"amd64\"}");
    bodies.put(key("PUT", ApiRoutes.RECURRING_BUILDS), "{\"paused\":true}");
    bodies.put(key("PUT", ApiRoutes.SSH_KEY), keyBody(KEY));
    return bodies;
  }

  private static String key(String method, String path) {
    return method + " " + path;
  }

  private static Call callerOf(String method, String template) {
    boolean adminRoute =
        template.equals(ApiRoutes.PROJECT)
            || template.equals(ApiRoutes.PROJECT_IMAGES)
            || template.equals(ApiRoutes.HOSTS)
            || template.equals(ApiRoutes.HOST_STATUS)
            || template.equals(ApiRoutes.AUDIT)
            || template.equals(ApiRoutes.RECURRING_BUILDS)
            || template.equals(ApiRoutes.BUILD_QUEUE);
    return adminRoute
        ? Call.of(method, template, ROOT, true)
        : Call.of(method, template, ALICE, false);
  }

  private static boolean takesLimit(String template) {
    return template.equals(ApiRoutes.WORKSPACES)
        || template.equals(ApiRoutes.IMAGE_SCHEDULES)
        || template.equals(ApiRoutes.AUDIT);
  }

  private static String keyBody(String key) {
    try {
      return JSON.writeValueAsString(Map.of("publicKey", key));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static String withField(String body, String field, String rawJson) {
    ObjectNode tree = (ObjectNode) readTree(body);
    tree.set(field, readTree(rawJson));
    return tree.toString();
  }
}
