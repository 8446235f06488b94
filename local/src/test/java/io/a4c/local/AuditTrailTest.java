package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Who created and deleted what, when, from which request, for admins only, paginated — and neither
 * the trail nor any log line ever holds a token.
 */
@ExtendWith(SharedRuntime.class)
class AuditTrailTest {

  @Test
  void createsAndDeletesAreAuditedWithRequestAndSourceAndNoTokenAnywhere(ApiClient api) {
    // The runtime's threads log while this test reads what they logged: a list that takes appends
    // while it is iterated (logback's ListAppender) fails the test with a
    // ConcurrentModificationException, so the events go into a concurrent queue.
    Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    var logs =
        new AppenderBase<ILoggingEvent>() {
          @Override
          protected void append(ILoggingEvent event) {
            events.add(event);
          }
        };
    logs.start();
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try {
      var scenario = new Scenario(api);
      String project = scenario.createProject("audit");
      scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
      String user = scenario.user("audrey");
      var created = scenario.requestWorkspace(user, project, "amd64");
      String id = created.at("/workspaceId");
      var deleted = api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
      assertThat(deleted.status()).isEqualTo(202);
      // A refused request and a failing token are noise the trail must not hold, and logs must not
      // print.
      api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user) + "x");
      api.get("/v1/audit", api.tokenOf(user));

      var page = api.get("/v1/audit?userId=" + user + "&limit=1", api.adminToken());
      assertThat(page.status()).isEqualTo(200);
      var newest = page.json().get("items").get(0);
      assertThat(newest.path("action").asText()).isEqualTo("workspace.delete");
      assertThat(newest.path("actor").asText()).isEqualTo(user);
      assertThat(newest.path("target").asText()).isEqualTo("workspace:" + id);
      assertThat(newest.path("requestId").asText()).isNotBlank();
      assertThat(newest.path("sourceIp").asText()).isEqualTo("127.0.0.1");
      assertThat(newest.path("at").asText()).isNotBlank();
      String next = page.at("/nextToken");
      assertThat(next).isNotBlank();
      var older =
          api.get("/v1/audit?userId=" + user + "&limit=1&nextToken=" + next, api.adminToken());
      var create = older.json().get("items").get(0);
      assertThat(create.path("action").asText()).isEqualTo("workspace.create");
      assertThat(create.path("details").path("projectName").asText()).isEqualTo(project);
      assertThat(create.path("requestId").asText()).isNotEqualTo(newest.path("requestId").asText());
      // The token of one filter does not page another.
      assertThat(api.get("/v1/audit?limit=1&nextToken=" + next, api.adminToken()).status())
          .isEqualTo(400);
      // Everyone's trail holds the admin's project write too.
      var all = api.get("/v1/audit?limit=100", api.adminToken()).body();
      assertThat(all).contains("project:" + project).contains("\"action\":\"image.register\"");
      assertThat(api.get("/v1/audit", api.tokenOf(user)).status()).isEqualTo(403);

      scenario.awaitGone(user, id);
      List<String> secrets = List.of(api.tokenOf(user), api.adminToken(), "eyJ");
      for (String secret : secrets) {
        assertThat(all).doesNotContain(secret);
      }
      List<String> lines = new ArrayList<>();
      for (ILoggingEvent event : events) {
        lines.add(
            event.getFormattedMessage()
                + " "
                + event.getKeyValuePairs()
                + " "
                + (event.getThrowableProxy() == null
                    ? ""
                    : event.getThrowableProxy().getMessage()));
      }
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        for (String secret : secrets) {
          assertThat(line).doesNotContain(secret);
        }
      }
    } finally {
      root.detachAppender(logs);
    }
  }
}
