package io.a4c.functions.priming;

import static io.a4c.functions.http.ApiRoutes.HOSTS;
import static io.a4c.functions.http.ApiRoutes.PROJECT;
import static io.a4c.functions.http.ApiRoutes.PROJECT_IMAGES;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE;
import static io.a4c.functions.http.ApiRoutes.WORKSPACES;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostEvent;
import io.a4c.events.HostInventory;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic events for {@link SnapStartPriming}: builders for API Gateway v2 and SQS events, and
 * the lists each function primes with. Each list walks the paths a first real event takes —
 * routing, claims, JSON in and out, validation, the store's SDK calls (answered offline: no item,
 * empty pages) and the problem mapper — and none writes anything real: reads find nothing, and
 * the one write that "succeeds" never leaves the process.
 *
 * <p>Lists are built when the snapshot is taken, not at construction, so registering costs an
 * instance that is never snapshotted nothing.
 */
public final class PrimingEvents {
  /** The caller of every priming API event; a user id no real caller can hold. */
  public static final String USER = "a4c-priming";

  private static final String WORKSPACE_ID = "ws-00000000000000000000000000";
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
        api("POST", WORKSPACES, user, Map.of(), claims(false),
            "{\"projectName\":\"" + PROJECT_NAME + "\",\"parentName\":\"main\",\"arch\":\"amd64\",\"name\":\"priming\"}",
            Map.of("idempotency-key", "priming")),
        api("POST", WORKSPACES, user, Map.of(), claims(false),
            "{\"projectName\":\"" + PROJECT_NAME + "\",\"parentName\":\"main\",\"arch\":\"sparc\"}"),
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
        api("PUT", PROJECT, project, Map.of(), claims(true),
            "{\"source\":{\"type\":\"git\",\"url\":\"https://git.example.com/priming.git\"},"
                + "\"baseImage\":\"debian:bookworm\",\"tools\":[\"git\"],\"parents\":[\"main\"],\"setup\":[\"true\"]}"),
        api("GET", PROJECT, project, Map.of(), claims(true), null),
        api("POST", PROJECT_IMAGES, project, Map.of(), claims(true),
            "{\"parentName\":\"main\",\"arch\":\"amd64\",\"change\":\"1\",\"imageRef\":\"a4c-priming:1\"}"),
        api("PUT", PROJECT, project, Map.of(), claims(true), "{\"source\":{\"type\":\"svn\"}}"),
        api("GET", HOSTS, Map.of(), Map.of(), claims(false), null));
  }

  /**
   * One batch for the host-events consumer: a heartbeat, a status report, and an inventory whose
   * one old container has no record (so the reconciler sends its removal, answered offline).
   */
  public static List<SQSEvent> hostEvents() {
    Instant now = Instant.now();
    Instant old = now.minus(Duration.ofDays(1));
    return List.of(
        sqs(
            List.of(
                Heartbeat.of("a4c-priming", Arch.AMD64, 0, 1, List.of(), 0, 0, now),
                WorkspaceStatus.of(
                    "a4c-priming", WORKSPACE_ID, USER, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED,
                    null, null, null, now),
                HostInventory.of(
                    "a4c-priming",
                    List.of(new HostInventory.Entry(WORKSPACE_ID, USER, "c0ffee", "running", old)),
                    now))));
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
      String method, String path, Map<String, String> pathParameters, Map<String, String> query,
      Map<String, String> claims, String body) {
    return api(method, path, pathParameters, query, claims, body, Map.of());
  }

  /** The same, with extra request headers (lower-case names, as API Gateway v2 passes them). */
  public static APIGatewayV2HTTPEvent api(
      String method, String path, Map<String, String> pathParameters, Map<String, String> query,
      Map<String, String> claims, String body, Map<String, String> extraHeaders) {
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
            .withHttp(RequestContext.Http.builder().withMethod(method).withPath(rawPath).withProtocol("HTTP/1.1").build());
    if (!claims.isEmpty()) {
      context.withAuthorizer(
          RequestContext.Authorizer.builder()
              .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(claims).withScopes(List.of()).build())
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
