package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.EventJson;
import io.a4c.functions.builds.CreateImageScheduleRequest;
import io.a4c.functions.builds.ImageSchedulesApi.RecurringSwitch;
import io.a4c.functions.projects.ProjectConfig;
import io.a4c.functions.workspaces.CreateWorkspaceRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a request body is read: which bodies are taken, and the problem (type, field, detail) each
 * refused one gets. Through the whole graph, {@code BadInputTest} checks that a refused request
 * changes nothing.
 */
class ApiResponsesTest {
  /** A valid project body without its closing brace, for members to be added to. */
  private static final String PROJECT =
      "{\"source\":{\"type\":\"git\",\"url\":\"https://git.example/shop.git\"},"
          + "\"baseImage\":\"debian:12\",\"parents\":[\"main\"]";

  private static final String WORKSPACE =
      "{\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"amd64\"";

  private final ApiResponses responses = new ApiResponses(EventJson.newMapper());

  /** The 400 that reading {@code body} as {@code type} gives. */
  private InvalidRequestException refused(Class<?> type, String body) {
    try {
      Object read = responses.read(request("application/json", body), type);
      throw new AssertionError(body + " was read as " + read);
    } catch (InvalidRequestException e) {
      return e;
    }
  }

  private static ApiRequest request(String contentType, String body) {
    Map<String, String> headers = new HashMap<>();
    if (contentType != null) {
      headers.put("content-type", contentType);
    }
    return new ApiRequest(
        "PUT " + ApiRoutes.RECURRING_BUILDS,
        ApiRoutes.RECURRING_BUILDS,
        null,
        null,
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        null,
        "req-1",
        null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        " application/json ; charset=utf-8"
      })
  void aBodySentAsApplicationJsonIsRead(String contentType) {
    var read = responses.read(request(contentType, "{\"paused\":true}"), RecurringSwitch.class);

    assertThat(read.paused()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "text/plain",
        "application/jsonp",
        "application/json-seq",
        "application/json-patch+json",
        "application/jsonx; charset=utf-8",
        "application/x-www-form-urlencoded",
        "application/problem+json",
        "application/json, text/plain"
      })
  void aBodySentAsAnythingElseIs415(String contentType) {
    assertThatThrownBy(
            () -> responses.read(request(contentType, "{\"paused\":true}"), RecurringSwitch.class))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.type()).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void aBodyWithoutAContentTypeIs415() {
    assertThatThrownBy(
            () -> responses.read(request(null, "{\"paused\":true}"), RecurringSwitch.class))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.type()).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void noBodyAtAllIsA400WhateverTheContentType() {
    assertThatThrownBy(() -> responses.read(request(null, ""), RecurringSwitch.class))
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.INVALID));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // A number or true/false where a string is expected.
        "workspace | ,\"change\":123}                                  | change",
        "workspace | ,\"name\":true}                                   | name",
        "schedule  | {\"imageName\":\"i\",\"project\":\"shop\",\"change\":42} | change",
        "project   | ,\"tools\":[1]}                                   | tools[0]",
        "project   | ,\"setup\":[1.5]}                                 | setup[0]",
        // A string where a number or true/false is expected.
        "switch    | {\"paused\":\"true\"}                              | paused",
        "switch    | {\"paused\":\"false\"}                             | paused",
        "switch    | {\"paused\":0}                                    | paused",
        "project   | ,\"lifecycle\":{\"idleStopMinutes\":\"60\"}}        | lifecycle.idleStopMinutes",
        "project   | ,\"warmPool\":{\"size\":\"3\"}}                     | warmPool.size",
        "project   | ,\"quotas\":{\"maxWorkspacesPerUser\":\"5\"}}       | quotas.maxWorkspacesPerUser",
        "project   | ,\"workspaceSize\":{\"cpus\":\"2\",\"memoryMb\":4096,\"pids\":4096}} | workspaceSize.cpus",
        "project   | ,\"workspaceSize\":{\"cpus\":2,\"memoryMb\":\"4096\",\"pids\":4096}} | workspaceSize.memoryMb",
      })
  void aValueOfTheWrongJsonTypeIsA400NamingTheFieldNotConverted(
      String route, String body, String field) {
    var refused = refused(typeOf(route), bodyOf(route, body));

    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage()).startsWith(field + " has the wrong type: it must be ");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "workspace | {\"projectName\":\"\",\"parentName\":\"main\",\"arch\":\"amd64\"} | projectName",
        "workspace | {\"projectName\":\"shop\",\"parentName\":\"\",\"arch\":\"amd64\"} | parentName",
        "workspace | {\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"\"} | arch",
        "workspace | ,\"name\":\"\"}                                     | name",
        "workspace | ,\"change\":\"\"}                                   | change",
        "schedule  | {\"imageName\":\"\",\"project\":\"shop\",\"change\":\"1\"} | imageName",
        "switch    | {\"paused\":\"\"}                                   | paused",
        "project   | {\"source\":{\"type\":\"git\",\"url\":\"https://git.example/shop.git\"},\"baseImage\":\"\",\"parents\":[\"main\"]} | baseImage",
        "project   | ,\"tools\":[\"git\",\"\"]}                          | tools[1]",
        "project   | {\"source\":{\"type\":\"git\",\"url\":\"\"},\"baseImage\":\"debian:12\",\"parents\":[\"main\"]} | source.url",
        "project   | ,\"quotas\":{\"maxWorkspacesPerUser\":\"\"}}         | quotas.maxWorkspacesPerUser",
        "project   | ,\"warmPool\":{\"size\":\"\"}}                       | warmPool.size",
        "project   | ,\"lifecycle\":{\"idleStopMinutes\":\"\"}}          | lifecycle.idleStopMinutes",
        "project   | ,\"workspaceSize\":{\"cpus\":\"\",\"memoryMb\":4096,\"pids\":4096}} | workspaceSize.cpus",
      })
  void anEmptyStringIsA400SayingSoAndNamingTheField(String route, String body, String field) {
    var refused = refused(typeOf(route), bodyOf(route, body));

    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage()).startsWith(field + " is empty; it must be ");
  }

  @Test
  void anEmptyCronIsA400SayingSo() {
    var refused =
        refused(
            ProjectConfig.class,
            PROJECT + ",\"recurringBuilds\":[{\"parentName\":\"main\",\"cron\":\"\"}]}");

    assertThat(refused.getMessage()).startsWith("recurringBuilds[0].cron is empty; it must be");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"parentName\":\"main\",\"cron\":\"every night\"}              | recurringBuilds[2].cron",
        "{\"parentName\":\"main\",\"arch\":\"sparc\",\"cron\":\"cron(0 3 * * ? *)\"} | recurringBuilds[2].arch",
        "{\"parentName\":\"ma in\",\"cron\":\"cron(0 3 * * ? *)\"}       | recurringBuilds[2].parentName",
        "{\"parentName\":\"dev\",\"cron\":\"cron(0 3 * * ? *)\"}         | recurringBuilds[2].parentName",
        "{\"parentName\":\"main\",\"cron\":7}                            | recurringBuilds[2].cron",
      })
  void aProblemInAListEntryNamesTheEntrysIndex(String entry, String field) {
    String good = "{\"parentName\":\"main\",\"cron\":\"cron(0 3 * * ? *)\"}";
    var refused =
        refused(
            ProjectConfig.class,
            PROJECT + ",\"recurringBuilds\":[" + good + "," + good + "," + entry + "]}");

    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage()).startsWith(field + " ");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "workspace | {\"projectName\":\"shop\",\"projectName\":\"bank\",\"parentName\":\"main\",\"arch\":\"amd64\"} | projectName",
        "workspace | ,\"arch\":\"arm64\"}                                  | arch",
        "switch    | {\"paused\":false,\"paused\":true}                     | paused",
        "project   | {\"source\":{\"type\":\"git\",\"url\":\"https://a.example/x.git\",\"url\":\"https://b.example/y.git\"},\"baseImage\":\"debian:12\",\"parents\":[\"main\"]} | source.url",
        "project   | ,\"parents\":[\"release\"]}                          | parents",
        "project   | ,\"recurringBuilds\":[{\"parentName\":\"main\",\"cron\":\"cron(0 3 * * ? *)\",\"cron\":\"cron(0 4 * * ? *)\"}]} | recurringBuilds[0].cron",
      })
  void aMemberSentTwiceIsA400NamingIt(String route, String body, String field) {
    var refused = refused(typeOf(route), bodyOf(route, body));

    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage())
        .isEqualTo(field + " appears more than once; send each member once");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "workspace | ,\"bogus\":1}                                       | bogus",
        "project   | ,\"workspaceSize\":{\"cpus\":2,\"memoryMb\":4096,\"pids\":4096,\"gpus\":1}} | workspaceSize.gpus",
        "project   | ,\"recurringBuilds\":[{\"parentName\":\"main\",\"cron\":\"cron(0 3 * * ? *)\"},{\"parentName\":\"main\",\"cron\":\"cron(0 3 * * ? *)\",\"x\":1}]} | recurringBuilds[1].x",
      })
  void anUnknownMemberIsNamedByItsPathInTheBody(String route, String body, String field) {
    var refused = refused(typeOf(route), bodyOf(route, body));

    assertThat(refused.field()).isEqualTo(field);
    assertThat(refused.getMessage()).isEqualTo("unknown field " + field);
  }

  @Test
  void aWholeNumberIsStillANumber() {
    var read =
        responses.read(
            request(
                "application/json",
                PROJECT + ",\"workspaceSize\":{\"cpus\":2,\"memoryMb\":4096,\"pids\":4096}}"),
            ProjectConfig.class);

    assertThat(read.workspaceSize().cpus()).isEqualTo(2.0);
  }

  private static Class<?> typeOf(String route) {
    return switch (route) {
      case "workspace" -> CreateWorkspaceRequest.class;
      case "schedule" -> CreateImageScheduleRequest.class;
      case "project" -> ProjectConfig.class;
      case "switch" -> RecurringSwitch.class;
      default -> throw new IllegalArgumentException(route);
    };
  }

  /** A body of {@code route}: members added to a valid one, or a whole body. */
  private static String bodyOf(String route, String body) {
    if (body.startsWith("{")) {
      return body;
    }
    return switch (route) {
      case "workspace" -> WORKSPACE + body;
      case "project" -> PROJECT + body;
      default -> throw new IllegalArgumentException(route);
    };
  }
}
