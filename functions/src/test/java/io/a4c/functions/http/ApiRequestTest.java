package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code me} in a user route means the caller, and nobody else. */
class ApiRequestTest {
  private static ApiRequest request(String userId, Map<String, String> claims) {
    return new ApiRequest(
        "GET " + ApiRoutes.WORKSPACES,
        "/v1/users/" + userId + "/workspaces",
        Map.of("userId", userId),
        null,
        null,
        null,
        claims,
        "req-1",
        null);
  }

  @Test
  void meIsTheCallersOwnSubject() {
    var request = request("me", Map.of("sub", "4b1f0c7e-uuid"));

    assertThat(request.pathParameters()).containsEntry("userId", "4b1f0c7e-uuid");
    request.caller("a4c:admin").requireAccessTo(request.pathParameters().get("userId"));
  }

  @Test
  void anyOtherIdIsLeftForTheAccessCheck() {
    var request = request("alice", Map.of("sub", "bob"));

    assertThat(request.pathParameters()).containsEntry("userId", "alice");
    assertThatThrownBy(
            () ->
                request.caller("a4c:admin").requireAccessTo(request.pathParameters().get("userId")))
        .isInstanceOf(ProblemException.class);
  }

  @Test
  void meWithoutATokenStaysUnresolvedAndIsA401() {
    var request = request("me", Map.of());

    assertThat(request.pathParameters()).containsEntry("userId", "me");
    assertThatThrownBy(() -> request.caller("a4c:admin"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("bearer token");
  }
}
