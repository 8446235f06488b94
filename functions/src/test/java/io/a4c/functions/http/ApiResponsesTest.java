package io.a4c.functions.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.EventJson;
import io.a4c.functions.builds.ImageSchedulesApi.RecurringSwitch;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a request body is read: which bodies are taken, and the problem (type, field, detail) each
 * refused one gets. Through the whole graph, {@code BadInputTest} checks that a refused request
 * changes nothing.
 */
class ApiResponsesTest {
  private final ApiResponses responses = new ApiResponses(EventJson.newMapper());

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
}
