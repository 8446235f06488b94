package io.a4c.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenApiContract#verify} against exchanges written by hand, shaped like what the local
 * runtime really answers.
 */
class OpenApiContractTest {
  private static final String ALICE = "/v1/users/alice/workspaces";
  private static final String WORKSPACE_ID = "ws-01m8792e5gfftfby2zep36m6d2";
  private static final String JSON = "application/json";
  private static final String PROBLEM = "application/problem+json";

  private static final String CREATE =
      """
      {"projectName": "shop", "parentName": "main", "arch": "amd64", "name": "fix checkout"}
      """;

  private static final String PENDING =
      """
      {"userId":"alice","workspaceId":"ws-01m8792e5gfftfby2zep36m6d2","name":"fix checkout","projectName":"shop",
       "parentName":"main","arch":"amd64","change":"4711","imageRef":"a4c-base:busybox","hostId":"h1",
       "hostname":"ws-01m8792e5gfftfby2zep36m6d2.ws.a4c.internal","state":"PENDING",
       "createdAt":"2026-11-24T17:18:47.955046532Z","updatedAt":"2026-11-24T17:18:47.955046532Z",
       "hostReachable":true}
      """;

  private static final String RUNNING =
      """
      {"userId":"alice","workspaceId":"ws-01m8792e5gfftfby2zep36m6d2","name":"fix checkout","projectName":"shop",
       "parentName":"main","arch":"amd64","change":"4711","imageRef":"a4c-base:busybox","hostId":"h1",
       "hostname":"ws-01m8792e5gfftfby2zep36m6d2.ws.a4c.internal",
       "containerId":"c9c52493ddf8dab2699cab98235c6d78302d1858e616814299aca332b7c78750","ip":"172.17.0.2",
       "state":"RUNNING","step":"HOSTNAME_REGISTERED","createdAt":"2026-11-24T17:18:47.955046532Z",
       "updatedAt":"2026-11-24T17:18:49.640046901Z","hostReachable":true}
      """;

  private static final String NOT_FOUND =
      """
      {"type":"https://a4c.io/problems/not-found","title":"Not found","status":404,
       "detail":"no workspace ws-00000000000000000000000000",
       "instance":"/v1/users/alice/workspaces/ws-00000000000000000000000000","field":"workspaceId",
       "reason":"unknown-workspace","requestId":"22b78d40-ff08-4f00-b1f9-7b338a339624"}
      """;

  private final OpenApiContract contract = OpenApiContract.shared();

  @Test
  void acceptsACreateAnsweredWithAPendingWorkspace() {
    assertThatCode(
            () -> contract.verify(new ApiExchange("POST", ALICE, null, CREATE, 202, JSON, PENDING)))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsAPageOfWorkspacesWithItsToken() {
    String page =
        "{\"items\":["
            + RUNNING
            + "],\"nextToken\":\"djE6d3MtMDFtODc5MmU1Z2ZmdGZieTJ6ZXAzNm02ZDI\"}";

    assertThatCode(
            () -> contract.verify(new ApiExchange("GET", ALICE, "limit=1", null, 200, JSON, page)))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsADocumentedProblem() {
    var exchange =
        new ApiExchange(
            "GET", ALICE + "/ws-00000000000000000000000000", null, null, 404, PROBLEM, NOT_FOUND);

    assertThatCode(() -> contract.verify(exchange)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAContentTypeWithACharset() {
    var exchange =
        new ApiExchange(
            "GET",
            ALICE + "/" + WORKSPACE_ID,
            null,
            null,
            200,
            "application/json; charset=utf-8",
            RUNNING);

    assertThatCode(() -> contract.verify(exchange)).doesNotThrowAnyException();
  }

  @Test
  void acceptsAMethodThePathDoesNotTakeWhenAnswered405() {
    String problem =
        """
        {"type":"https://a4c.io/problems/method-not-allowed","title":"The route does not take this method",
         "status":405,"detail":"this route takes GET","instance":"/v1/hosts",
         "requestId":"ba1370e6-7ad9-44fc-b771-28b01fc6625c"}
        """;

    assertThatCode(
            () ->
                contract.verify(
                    new ApiExchange("PATCH", "/v1/hosts", null, "{}", 405, PROBLEM, problem)))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsABadRequestWhateverItsBody() {
    String problem =
        """
        {"type":"https://a4c.io/problems/invalid-request","title":"The request is not valid","status":400,
         "detail":"unknown field privileged","instance":"/v1/users/alice/workspaces","field":"privileged",
         "requestId":"6ec43ca5-23ce-4598-a3b2-9affea5a9456"}
        """;
    String body =
        "{\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"amd64\",\"privileged\":true}";

    assertThatCode(
            () ->
                contract.verify(new ApiExchange("POST", ALICE, null, body, 400, PROBLEM, problem)))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsAStatusTheOperationDoesNotDocument() {
    var exchange = new ApiExchange("GET", "/v1/hosts", null, null, 404, PROBLEM, NOT_FOUND);

    assertThatThrownBy(() -> contract.verify(exchange))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("status 404 is not documented for GET /v1/hosts");
  }

  @Test
  void rejectsAResponseMissingARequiredMember() {
    String withoutState = RUNNING.replace("\"state\":\"RUNNING\",", "");

    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange(
                        "GET", ALICE + "/" + WORKSPACE_ID, null, null, 200, JSON, withoutState)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("response body does not match")
        .hasMessageContaining("state");
  }

  @Test
  void rejectsAResponseWithAMemberTheDocumentDoesNotName() {
    String leaky = RUNNING.replace("\"hostReachable\"", "\"inFlight\":\"1\",\"hostReachable\"");

    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange(
                        "GET", ALICE + "/" + WORKSPACE_ID, null, null, 200, JSON, leaky)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("inFlight");
  }

  @Test
  void rejectsAWorkspaceThatShowsWhatOnlyStorageNeeds() {
    for (String member : java.util.List.of("\"version\":7,", "\"redrives\":0,")) {
      String stored = RUNNING.replace("\"hostReachable\"", member + "\"hostReachable\"");

      assertThatThrownBy(
              () ->
                  contract.verify(
                      new ApiExchange(
                          "GET", ALICE + "/" + WORKSPACE_ID, null, null, 200, JSON, stored)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining(member.substring(1, member.indexOf('"', 1)));
    }
  }

  @Test
  void rejectsAWrongContentType() {
    var problemAsJson =
        new ApiExchange(
            "GET", ALICE + "/ws-00000000000000000000000000", null, null, 404, JSON, NOT_FOUND);

    assertThatThrownBy(() -> contract.verify(problemAsJson))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("content type application/json")
        .hasMessageContaining("application/problem+json");
  }

  @Test
  void rejectsAProblemOfAnotherTypeThanItsStatus() {
    String mislabelled = NOT_FOUND.replace("problems/not-found", "problems/invalid-request");

    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange(
                        "GET", ALICE + "/" + WORKSPACE_ID, null, null, 404, PROBLEM, mislabelled)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/type");
  }

  @Test
  void rejectsAnUnavailableProblemWithAnUndocumentedReason() {
    String problem =
        """
        {"type":"https://a4c.io/problems/unavailable","title":"The service cannot do this right now","status":503,
         "detail":"no host","instance":"/v1/users/alice/workspaces","reason":"out-of-luck",
         "requestId":"d815ed34-3075-4cbf-ac30-d2cdd070b440"}
        """;

    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange("POST", ALICE, null, CREATE, 503, PROBLEM, problem)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/reason");
  }

  @Test
  void rejectsARequestBodyWithAnUnknownMemberThatWasAccepted() {
    String body =
        "{\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"amd64\",\"privileged\":true}";

    assertThatThrownBy(
            () -> contract.verify(new ApiExchange("POST", ALICE, null, body, 202, JSON, PENDING)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is not one POST /v1/users/{userId}/workspaces documents")
        .hasMessageContaining("privileged");
  }

  @Test
  void rejectsAnUndocumentedQueryParameterThatWasAccepted() {
    String page = "{\"items\":[]}";

    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange("GET", ALICE, "pageSize=10", null, 200, JSON, page)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("query parameter pageSize is not documented");
  }

  @Test
  void rejectsAnOutOfRangeLimitThatWasAccepted() {
    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange("GET", ALICE, "limit=500", null, 200, JSON, "{\"items\":[]}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("limit=500");
  }

  @Test
  void rejectsAMalformedPathParameterThatWasAccepted() {
    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange("GET", ALICE + "/not-an-id", null, null, 200, JSON, RUNNING)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("path parameter workspaceId=not-an-id");
  }

  @Test
  void rejectsAnUnknownPath() {
    var exchange = new ApiExchange("GET", "/v1/nothing-here", null, null, 404, PROBLEM, NOT_FOUND);

    assertThatThrownBy(() -> contract.verify(exchange))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no path of the document matches /v1/nothing-here");
  }

  @Test
  void rejectsAMethodThePathDoesNotTakeWhenNotAnswered405() {
    var exchange = new ApiExchange("PATCH", "/v1/hosts", null, "{}", 200, JSON, "{\"items\":[]}");

    assertThatThrownBy(() -> contract.verify(exchange))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has no PATCH operation");
  }

  @Test
  void rejectsABodyThatIsNotJson() {
    var exchange = new ApiExchange("GET", "/v1/hosts", null, null, 200, JSON, "<html>oops</html>");

    assertThatThrownBy(() -> contract.verify(exchange))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void checksTheLocalOnlyRoutesToo() {
    String token = "{\"token\":\"eyJraWQiOiJhNGMtbG9jYWwtZGV2IiwiYWxnIjoiRVMyNTYifQ.e30.c2ln\"}";

    assertThatCode(
            () ->
                contract.verify(
                    new ApiExchange(
                        "POST",
                        "/local/tokens",
                        null,
                        "{\"sub\":\"alice\",\"admin\":false}",
                        200,
                        JSON,
                        token)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                contract.verify(
                    new ApiExchange(
                        "GET", "/healthz", null, null, 200, JSON, "{\"status\":\"ok\"}")))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                contract.verify(
                    new ApiExchange(
                        "GET", "/healthz", null, null, 200, JSON, "{\"status\":\"fine\"}")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void isSafeToCallFromManyThreadsAtOnce() throws Exception {
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean good = i % 2 == 0;
      String body =
          good ? RUNNING : RUNNING.replace("\"state\":\"RUNNING\"", "\"state\":\"ASLEEP\"");
      var exchange =
          new ApiExchange("GET", ALICE + "/" + WORKSPACE_ID, null, null, 200, JSON, body);
      calls.add(
          () -> {
            try {
              contract.verify(exchange);
              return good;
            } catch (AssertionError e) {
              return !good;
            }
          });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Boolean> verdict : pool.invokeAll(calls)) {
        assertThat(verdict.get()).isTrue();
      }
    }
  }
}
