package io.a4c.functions.priming;

import static io.a4c.functions.http.ApiRoutes.HOSTS;
import static io.a4c.functions.http.ApiRoutes.IMAGE_SCHEDULE;
import static io.a4c.functions.http.ApiRoutes.IMAGE_SCHEDULES;
import static io.a4c.functions.http.ApiRoutes.PROJECT;
import static io.a4c.functions.http.ApiRoutes.PROJECT_IMAGES;
import static io.a4c.functions.http.ApiRoutes.SSH_KEY;
import static io.a4c.functions.http.ApiRoutes.SSH_KEYS;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE;
import static io.a4c.functions.http.ApiRoutes.WORKSPACES;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildMessage;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.CallerProof;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostEvent;
import io.a4c.events.HostEventSignatures;
import io.a4c.events.HostInventory;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Synthetic events for {@link SnapStartPriming}: builders for API Gateway v2 and SQS events, and
 * the lists each function primes with. Each list walks the paths a first real event takes —
 * routing, claims, JSON in and out, validation, the store's SDK calls (answered offline: no item,
 * empty pages) and the problem mapper — and none writes anything real: reads find nothing, and the
 * one write that "succeeds" never leaves the process.
 *
 * <p>Lists are built when the snapshot is taken, not at construction, so registering costs an
 * instance that is never snapshotted nothing.
 */
public final class PrimingEvents {
  /** The caller of every priming API event; a user id no real caller can hold. */
  public static final String USER = "a4c-priming";

  private static final String WORKSPACE_ID = "ws-00000000000000000000000000";
  private static final String SCHEDULE_ID = "bs-00000000000000000000000000";
  private static final String PROJECT_NAME = "a4c-priming";

  private PrimingEvents() {}

  /**
   * Events for the workspaces API: list, get, create (with an idempotency key), delete, and the
   * 400/401/404 edges.
   */
  public static List<APIGatewayV2HTTPEvent> workspacesApi() {
    Map<String, String> user = Map.of("userId", USER);
    Map<String, String> workspace = Map.of("userId", USER, "workspaceId", WORKSPACE_ID);
    return List.of(
        api("GET", WORKSPACES, user, Map.of("limit", "50"), claims(false), null),
        api("GET", WORKSPACE, workspace, Map.of(), claims(false), null),
        api(
            "POST",
            WORKSPACES,
            user,
            Map.of(),
            claims(false),
            "{\"projectName\":\""
                + PROJECT_NAME
                + "\",\"parentName\":\"main\",\"arch\":\"amd64\",\"name\":\"priming\"}",
            Map.of("idempotency-key", "priming")),
        api(
            "POST",
            WORKSPACES,
            user,
            Map.of(),
            claims(false),
            "{\"projectName\":\""
                + PROJECT_NAME
                + "\",\"parentName\":\"main\",\"arch\":\"sparc\"}"),
        api("POST", WORKSPACES, user, Map.of(), claims(false), "{\"projectName\":"),
        api("DELETE", WORKSPACE, workspace, Map.of(), claims(false), null),
        api("GET", WORKSPACES, Map.of("userId", USER + "-other"), Map.of(), claims(false), null),
        api("GET", WORKSPACES, user, Map.of(), Map.of(), null));
  }

  /** Events for the admin API: hosts, a project put and read, an image, and the 400/403 edges. */
  public static List<APIGatewayV2HTTPEvent> adminApi() {
    Map<String, String> project = Map.of("projectName", PROJECT_NAME);
    return List.of(
        api("GET", HOSTS, Map.of(), Map.of(), claims(true), null),
        api(
            "PUT",
            PROJECT,
            project,
            Map.of(),
            claims(true),
            "{\"source\":{\"type\":\"git\",\"url\":\"https://git.example.com/priming.git\"},"
                + "\"baseImage\":\"debian:bookworm\",\"tools\":[\"git\"],\"parents\":[\"main\"],\"setup\":[\"true\"]}"),
        api("GET", PROJECT, project, Map.of(), claims(true), null),
        api(
            "POST",
            PROJECT_IMAGES,
            project,
            Map.of(),
            claims(true),
            "{\"parentName\":\"main\",\"arch\":\"amd64\",\"change\":\"1\",\"imageRef\":\"a4c-priming:1\"}"),
        api("PUT", PROJECT, project, Map.of(), claims(true), "{\"source\":{\"type\":\"svn\"}}"),
        api("GET", HOSTS, Map.of(), Map.of(), claims(false), null));
  }

  /**
   * One batch for the host-events consumer: a heartbeat, a status report, and an inventory whose
   * one old container has no record (so the reconciler sends its removal, answered offline).
   *
   * <p>The consumer accepts only events their host sent (SQS SenderId in AWS, a signature locally),
   * so the batch speaks for the first host configured for that check, stamped as that host's
   * messages would be; with none configured it speaks for a host of its own. The batch is made and
   * handled inside this process only, and every write it causes is answered offline.
   */
  public static List<SQSEvent> hostEvents(FunctionsConfig.Security security) {
    String hostId = "a4c-priming";
    String roleId = "AROAPRIMING";
    byte[] key = null;
    if (security.hostAuth() == FunctionsConfig.HostAuth.SENDER_ID
        && !security.hostRoleIds().isEmpty()) {
      hostId = new TreeMap<>(security.hostRoleIds()).firstKey();
      roleId = security.hostRoleIds().get(hostId);
    } else if (security.hostAuth() == FunctionsConfig.HostAuth.SIGNATURE
        && !security.hostEventKeys().isEmpty()) {
      hostId = new TreeMap<>(security.hostEventKeys()).firstKey();
      key = security.hostEventKeys().get(hostId).bytes();
    }
    Instant now = Instant.now();
    Instant old = now.minus(Duration.ofDays(1));
    var events =
        List.<HostEvent>of(
            Heartbeat.of(hostId, Arch.AMD64, 0, 1, List.of(), 0, 0, now),
            WorkspaceStatus.of(
                hostId,
                WORKSPACE_ID,
                USER,
                WorkspaceState.RUNNING,
                WorkspaceStep.HOSTNAME_REGISTERED,
                null,
                null,
                null,
                now),
            HostInventory.of(
                hostId,
                List.of(
                    new HostInventory.Entry(
                        WORKSPACE_ID,
                        USER,
                        "c0ffee",
                        "running",
                        old,
                        "172.17.0.2",
                        true,
                        null,
                        null)),
                now));
    var sqsEvent = sqs(events);
    for (var message : sqsEvent.getRecords()) {
      message.setAttributes(
          Map.of("ApproximateReceiveCount", "1", "SenderId", roleId + ":" + hostId));
      if (key != null) {
        var signature = new SQSEvent.MessageAttribute();
        signature.setDataType("String");
        signature.setStringValue(HostEventSignatures.sign(key, message.getBody()));
        message.setMessageAttributes(Map.of(HostEventSignatures.ATTRIBUTE, signature));
      }
    }
    return List.of(sqsEvent);
  }

  /** Events for the image-schedules API: list, get, cancel, and the 400/401 edges. */
  public static List<APIGatewayV2HTTPEvent> imageSchedulesApi() {
    Map<String, String> user = Map.of("userId", USER);
    Map<String, String> schedule = Map.of("userId", USER, "scheduleId", SCHEDULE_ID);
    return List.of(
        api("GET", IMAGE_SCHEDULES, user, Map.of("limit", "50"), claims(false), null),
        api("GET", IMAGE_SCHEDULE, schedule, Map.of(), claims(false), null),
        api("DELETE", IMAGE_SCHEDULE, schedule, Map.of(), claims(false), null),
        api(
            "POST",
            IMAGE_SCHEDULES,
            user,
            Map.of(),
            claims(false),
            "{\"projectName\":\"" + PROJECT_NAME + "\",\"arch\":\"sparc\"}"),
        api("GET", IMAGE_SCHEDULES, user, Map.of(), Map.of(), null));
  }

  /**
   * Events for the SSH keys API: list, delete of a key that is not there, and puts the parser
   * refuses after decoding the key (a DSA key; an ed25519 key followed by a second one), so the SSH
   * library's decoders are loaded without anything being stored; and the 401 edge.
   */
  public static List<APIGatewayV2HTTPEvent> sshKeysApi() {
    Map<String, String> user = Map.of("userId", USER);
    Map<String, String> key = Map.of("userId", USER, "keyName", "a4c-priming");
    String ed25519 =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2";
    String dsa =
        "ssh-dss AAAAB3NzaC1kc3MAAACBAKBPGQ8o5ziSMYiN2Yt7cRg6b+sZ8MIGs4q93AyvjFykBWWovRfg1e1KCCqa"
            + "DFbeagC9ECBqINj5cKhzYhLNH5FkeICKjz6UfGKEpc5oDUOVxb8qSIp5ZKkUYaaxwTfz07bTTSGwh7XXrIl6R"
            + "ezUGL0W+uv1sa+Xx3jHp9ubK6HZAAAAFQC/2CPQhHSbHls9NGYVUYXt+mvBxQAAAIB8emoMhGtXQHi1HfOR11"
            + "8BtQlF6tqI3H7BJm8nO/HN8Ht2JQTeBwOFRcZsvmZsvoYHW1+4/ZpNDGWV0/GE1TxajwnHUQFId3bqdtbB/vl8"
            + "pexB8B4LvHcwdkvSl1deviYdjZ6bF5bRou2QoeHYlka3No6RZNFSEyQ34loudbf7gwAAAIAFwZaHGP6t7TGVji"
            + "MoWWjLxpXuZsZFi5pyqJjcbTjZXmYKtuNy4kApBXiMlUD9HlpC0no3oXXd8tyQ/ePzTVmR5bWVe3sR6dWDAfCs"
            + "i/eb00RaFlH7FlgqNAO/j73ana6okQ7Xv6QbAyJTX7OZhcaDE2ked/PR/ozQaDe+DkDETQ==";
    return List.of(
        api("GET", SSH_KEYS, user, Map.of(), claims(false), null),
        api("DELETE", SSH_KEY, key, Map.of(), claims(false), null),
        api("PUT", SSH_KEY, key, Map.of(), claims(false), "{\"publicKey\":\"" + dsa + "\"}"),
        api(
            "PUT",
            SSH_KEY,
            key,
            Map.of(),
            claims(false),
            "{\"publicKey\":\"" + ed25519 + " a " + ed25519 + "\"}"),
        api("GET", SSH_KEYS, user, Map.of(), Map.of(), null));
  }

  /** One tick of recurring builds, which finds no project to build. */
  public static List<Map<String, Object>> recurringBuilds() {
    return sweeper();
  }

  /** One dead-lettered build of a schedule that does not exist (a leftover: nothing to fail). */
  public static List<SQSEvent> buildDeadLetters() {
    var job =
        BuildJob.of(
            SCHEDULE_ID,
            USER,
            BuildKind.USER,
            PROJECT_NAME,
            "main",
            Arch.AMD64,
            "1",
            new BuildSpec(
                "debian:bookworm",
                List.of("git"),
                List.of("true"),
                BuildSource.git("https://git.example.com/priming.git")),
            Instant.now());
    try {
      var body = EventJson.newMapper().writerFor(BuildMessage.class).writeValueAsString(job);
      var sqsEvent = new SQSEvent();
      sqsEvent.setRecords(List.of(message(body)));
      return List.of(sqsEvent);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("priming event could not be serialised", e);
    }
  }

  /**
   * One claim, as a builder invokes the claim function with it, with a proof shaped as AWS's (a
   * presigned GetCallerIdentity, signed by nobody): the sender check sends it to STS, answered
   * offline with nothing, so the claim is refused at the door and audited — in the snapshot's
   * imagination only.
   */
  public static List<byte[]> buildClaim() {
    String presigned =
        "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=ASIAPRIMING%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
            + "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60"
            + "&X-Amz-SignedHeaders=host%3B"
            + CallerProof.DIGEST_HEADER
            + "&X-Amz-Signature=priming";
    try {
      return List.of(
          EventJson.newMapper()
              .writeValueAsBytes(
                  BuildClaim.of(SCHEDULE_ID, USER, "a4c-priming", "a4c-priming/0", 1)
                      .withProof(CallerProof.presigned(presigned))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("priming event could not be serialised", e);
    }
  }

  /** One scheduled event for the sweeper: a sweep that finds no host and no stuck workspace. */
  public static List<Map<String, Object>> sweeper() {
    return List.of(
        Map.of(
            "version", "0",
            "id", "priming",
            "detail-type", "Scheduled Event",
            "source", "aws.events",
            "time", Instant.now().toString(),
            "detail", Map.of()));
  }

  /**
   * An API Gateway HTTP API (v2) event as API Gateway sends it after the JWT authorizer.
   *
   * @param path the route's path template, e.g. {@code /v1/users/{userId}/workspaces}
   * @param claims the verified claims; empty for a request without them
   * @param body a JSON body, or null
   */
  public static APIGatewayV2HTTPEvent api(
      String method,
      String path,
      Map<String, String> pathParameters,
      Map<String, String> query,
      Map<String, String> claims,
      String body) {
    return api(method, path, pathParameters, query, claims, body, Map.of());
  }

  /** The same, with extra request headers (lower-case names, as API Gateway v2 passes them). */
  public static APIGatewayV2HTTPEvent api(
      String method,
      String path,
      Map<String, String> pathParameters,
      Map<String, String> query,
      Map<String, String> claims,
      String body,
      Map<String, String> extraHeaders) {
    String rawPath = path;
    for (var parameter : pathParameters.entrySet()) {
      rawPath = rawPath.replace("{" + parameter.getKey() + "}", parameter.getValue());
    }
    Map<String, String> headers = new HashMap<>(Map.of("host", "priming.a4c.internal"));
    if (body != null) {
      headers.put("content-type", "application/json");
    }
    headers.putAll(extraHeaders);
    var context =
        RequestContext.builder()
            .withRequestId("priming")
            .withRouteKey(method + " " + path)
            .withStage("$default")
            .withHttp(
                RequestContext.Http.builder()
                    .withMethod(method)
                    .withPath(rawPath)
                    .withProtocol("HTTP/1.1")
                    .build());
    if (!claims.isEmpty()) {
      context.withAuthorizer(
          RequestContext.Authorizer.builder()
              .withJwt(
                  RequestContext.Authorizer.JWT
                      .builder()
                      .withClaims(claims)
                      .withScopes(List.of())
                      .build())
              .build());
    }
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(method + " " + path)
        .withRawPath(rawPath)
        .withHeaders(headers)
        .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
        .withQueryStringParameters(query.isEmpty() ? null : query)
        .withBody(body)
        .withIsBase64Encoded(false)
        .withRequestContext(context.build())
        .build();
  }

  /** An SQS event of one record per host event, serialised as the daemons send them. */
  public static SQSEvent sqs(List<? extends HostEvent> events) {
    var writer = EventJson.newMapper().writerFor(HostEvent.class);
    List<SQSEvent.SQSMessage> records = new ArrayList<>();
    for (HostEvent event : events) {
      try {
        records.add(message(writer.writeValueAsString(event)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("priming event could not be serialised", e);
      }
    }
    var sqsEvent = new SQSEvent();
    sqsEvent.setRecords(records);
    return sqsEvent;
  }

  /** One SQS record with the given body, as an event source mapping delivers it. */
  public static SQSEvent.SQSMessage message(String body) {
    var message = new SQSEvent.SQSMessage();
    message.setMessageId("priming-" + Integer.toHexString(body.hashCode()));
    message.setReceiptHandle("priming");
    message.setBody(body);
    message.setEventSource("aws:sqs");
    message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
    message.setMessageAttributes(Map.of());
    return message;
  }

  private static Map<String, String> claims(boolean admin) {
    return Map.of("sub", USER, "admin", Boolean.toString(admin));
  }
}
