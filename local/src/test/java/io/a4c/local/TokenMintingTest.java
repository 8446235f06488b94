package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /local/tokens} takes exactly the schema's {@code TokenRequest}: a user id string
 * {@code sub} and a JSON boolean {@code admin}. Anything else is a 400 problem naming the member
 * and mints nothing; a body sent without {@code Content-Type: application/json} is a 415. The
 * gateway alone, with no functions or engines behind it.
 */
class TokenMintingTest {
  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;
  private LocalTokens tokens;
  private ApiGatewayServer gateway;

  @BeforeEach
  void start() throws Exception {
    tokens = LocalTokens.development(dataDir, Clock.systemUTC());
    gateway = new ApiGatewayServer(0, Map.of(), tokens, JSON, () -> true);
    gateway.start();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private HttpResponse<String> mint(String body) throws Exception {
    return mint(body, "application/json");
  }

  /** A mint request with {@code contentType} (null: no Content-Type header). */
  private HttpResponse<String> mint(String body, String contentType) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/local/tokens"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("content-type", contentType);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> claimsOf(HttpResponse<String> reply) throws Exception {
    String token = JSON.readTree(reply.body()).path("token").asText();
    return tokens.verify(token).orElseThrow();
  }

  @Test
  void aUserIdAndABooleanMintATokenWithThoseClaims() throws Exception {
    var admin = mint("{\"sub\": \"root\", \"admin\": true}");
    var user = mint("{\"sub\": \"alice@example.com\", \"admin\": false}");
    var plain = mint("{\"sub\": \"bob\"}");

    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(claimsOf(admin)).containsEntry("sub", "root").containsEntry("admin", "true");
    assertThat(claimsOf(user))
        .containsEntry("sub", "alice@example.com")
        .containsEntry("admin", "false");
    assertThat(claimsOf(plain)).containsEntry("sub", "bob").containsEntry("admin", "false");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"sub\": \"root\", \"admin\": \"true\"}     | admin",
        "{\"sub\": \"root\", \"admin\": \"false\"}    | admin",
        "{\"sub\": \"root\", \"admin\": 1}            | admin",
        "{\"sub\": \"root\", \"admin\": 0}            | admin",
        "{\"sub\": \"root\", \"admin\": null}         | admin",
        "{\"sub\": \"root\", \"admin\": \"\"}         | admin",
        "{\"sub\": \"root\", \"admin\": [true]}       | admin",
        "{\"sub\": 42}                                | sub",
        "{\"sub\": true}                              | sub",
        "{\"sub\": [\"root\"]}                        | sub",
        "{\"sub\": {\"id\": \"root\"}}                | sub",
        "{\"sub\": null}                              | sub",
        "{\"sub\": \"\"}                              | sub",
        "{\"sub\": \"a b\"}                           | sub",
        "{\"sub\": \"../root\"}                       | sub",
        "{\"admin\": true}                            | sub",
        "{\"sub\": \"root\", \"role\": \"admin\"}     | role",
      })
  void anythingElseIsA400NamingTheMemberAndMintsNothing(String body, String field)
      throws Exception {
    var reply = mint(body);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
    assertThat(reply.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(reply.body());
    assertThat(problem.path("field").asText()).isEqualTo(field);
    assertThat(problem.path("detail").asText()).isNotBlank();
    assertThat(problem.has("token")).isFalse();
  }

  /**
   * As on the API's routes: a body sent without {@code Content-Type: application/json} (curl's
   * {@code -d} alone says form data) is a 415 problem and mints nothing, whatever it holds.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        "NONE",
        "application/x-www-form-urlencoded",
        "text/plain",
        "text/plain; charset=utf-8",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        "application/json-patch+json",
        "application/xml",
        "''",
      })
  void aBodyNotSentAsJsonIsA415AndMintsNothing(String contentType) throws Exception {
    var reply = mint("{\"sub\": \"root\", \"admin\": true}", contentType);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(415);
    assertThat(reply.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(reply.body());
    assertThat(problem.path("type").asText())
        .isEqualTo("https://a4c.io/problems/unsupported-media-type");
    assertThat(problem.path("status").asInt()).isEqualTo(415);
    assertThat(problem.path("instance").asText()).isEqualTo("/local/tokens");
    assertThat(problem.path("detail").asText()).contains("application/json");
    assertThat(reply.body()).doesNotContain("\"token\"");
  }

  @ParameterizedTest
  @CsvSource({"Application/JSON", "application/json; charset=utf-8", "' application/json '"})
  void jsonInAnyCaseAndWithParametersIsJson(String contentType) throws Exception {
    var reply = mint("{\"sub\": \"alice\"}", contentType);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(claimsOf(reply)).containsEntry("sub", "alice");
  }

  @Test
  void noBodyIsA400WhateverItsContentType() throws Exception {
    assertThat(mint("", null).statusCode()).isEqualTo(400);
    assertThat(mint("", "text/plain").statusCode()).isEqualTo(400);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''",
        "not json",
        "[\"root\"]",
        "\"root\"",
        "null",
        "{\"sub\": \"alice\", \"sub\": \"root\"}",
        "{\"sub\": \"root\", \"admin\": false, \"admin\": true}",
      })
  void aBodyThatIsNotOneJsonObjectWithEachMemberOnceIsA400(String body) throws Exception {
    var reply = mint(body);

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
    assertThat(reply.body()).doesNotContain("\"token\"");
  }
}
