package io.a4c.functions.workspaces;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import java.io.InputStream;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The Lambda entry point on real API Gateway v2 event JSON. These requests are refused at the edge,
 * before any AWS call: the clients point at a closed port, so a call would fail the test.
 */
class WorkspacesApiFunctionTest {
  private final WorkspacesApiFunction function;

  WorkspacesApiFunctionTest() {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.DYNAMODB_ENDPOINT, "http://127.0.0.1:9");
    env.put(FunctionsEnv.SQS_ENDPOINT, "http://127.0.0.1:9");
    function =
        new WorkspacesApiFunction(
            FunctionsComponent.create(FunctionsConfig.fromEnvironment(env), Clock.systemUTC())
                .workspacesApi());
  }

  private static APIGatewayV2HTTPEvent event(String file) throws Exception {
    var json =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    try (InputStream in = WorkspacesApiFunctionTest.class.getResourceAsStream("/events/" + file)) {
      return json.readValue(in, APIGatewayV2HTTPEvent.class);
    }
  }

  @Test
  void anUnknownArchIsA400ProblemNamingTheField() throws Exception {
    var response = function.handleRequest(event("create-workspace-bad-arch.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
    assertThat(response.getBody())
        .contains("\"field\":\"arch\"")
        .contains("\"requestId\":\"req-bad-arch\"")
        .contains("https://a4c.io/problems/invalid-request");
  }

  @Test
  void anotherUsersPathIsA404WithoutTouchingTheStore() throws Exception {
    var response = function.handleRequest(event("list-workspaces-other-user.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(404);
  }

  @Test
  void anEventWithoutClaimsIsA401() throws Exception {
    var response = function.handleRequest(event("list-workspaces-no-claims.json"), null);

    assertThat(response.getStatusCode()).isEqualTo(401);
  }
}
