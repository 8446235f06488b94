package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard (issue 17) end to end: {@code web/e2e/dashboard.mjs} drives Debian's Chromium
 * (through playwright-core) against this runtime and its real engines — a development user signs
 * in, creates a workspace and sees it RUNNING, deletes it, sees a bad create's problem detail and
 * never another user's workspace, follows a running build's log with {@code ?after=} until it ends;
 * an admin sees every host with its disk bar and each arch's build queue, drains a host and
 * activates it again from its card, and pauses and resumes recurring builds (the API agreeing each
 * time); at a phone's width tables become cards and nothing overflows sideways; axe-core finds no
 * WCAG 2.1 AA violation; the page asks no other origin. Screenshots go to {@code
 * target/screenshots/}. Plus the page's own headers, over plain HTTP.
 */
@ExtendWith(SharedRuntime.class)
class DashboardTest {
  private static final Path SCRIPT = Path.of("../web/e2e/dashboard.mjs");
  private static final Path SHOTS = Path.of("target/screenshots");

  @Test
  void aDeveloperAndAnAdminUseTheDashboardInABrowser(
      LocalRuntime runtime, ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("dash");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("dash-user");
    String other = scenario.user("dash-other");
    // On a loaded machine a host's heartbeat can be late: a 503 (no live host) creates nothing,
    // so ask again until one is placed.
    String foreign =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> scenario.requestWorkspace(other, project, "amd64"), r -> r.status() == 202)
            .at("/workspaceId");
    scenario.awaitState(other, foreign, "RUNNING");
    // A build whose log grows for a while: the page follows it while it runs.
    var repo = GitRepo.create();
    String change = repo.commit("hello.txt", "hello\n").substring(0, 12);
    String buildProject =
        scenario.createGitProject(
            "dash-follow", repo, "echo dash-follow-before", "sleep 15", "echo dash-follow-after");

    var command =
        new ProcessBuilder("node", SCRIPT.toString())
            .redirectErrorStream(true)
            .redirectOutput(SHOTS.resolveSibling("dashboard-e2e.log").toFile());
    Files.createDirectories(SHOTS);
    var env = command.environment();
    env.put("A4C_URL", runtime.baseUri().toString());
    env.put("A4C_E2E_PROJECT", project);
    env.put("A4C_E2E_USER", user);
    env.put("A4C_E2E_ADMIN", scenario.user("dash-admin"));
    env.put("A4C_E2E_FOREIGN", foreign);
    env.put("A4C_E2E_HOSTS", Integer.toString(fleet.hostIds().size()));
    env.put("A4C_E2E_BUILD_PROJECT", buildProject);
    env.put("A4C_E2E_BUILD_CHANGE", change);
    env.put("A4C_E2E_SHOTS", SHOTS.toAbsolutePath().toString());
    Set<String> drainingBefore = drainingHosts(api);
    String recurringPaused = api.get("/v1/recurring-builds", api.adminToken()).at("/paused");
    Process node = command.start();
    boolean ended;
    try {
      ended = node.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS);
      if (!ended) {
        node.destroyForcibly().waitFor();
      }
    } finally {
      // The script undoes its drain and its switch itself; this is for a script that never got
      // there (killed): other tests share the hosts and the switch.
      for (String hostId : drainingHosts(api)) {
        if (!drainingBefore.contains(hostId)) {
          api.put("/v1/hosts/" + hostId + "/status", api.adminToken(), "{\"status\": \"ACTIVE\"}");
        }
      }
      if (!recurringPaused.equals(
          api.get("/v1/recurring-builds", api.adminToken()).at("/paused"))) {
        api.put("/v1/recurring-builds", api.adminToken(), "{\"paused\": " + recurringPaused + "}");
      }
    }
    String log = Files.readString(SHOTS.resolveSibling("dashboard-e2e.log"));
    assertThat(ended).as("the browser test ended within 5 minutes:\n" + log).isTrue();
    assertThat(node.exitValue()).as(log).isZero();
    assertThat(log).contains("dashboard: all checks passed");
    for (String shot :
        List.of(
            "workspaces.png",
            "bad-create.png",
            "workspaces-phone.png",
            "builds.png",
            "hosts.png",
            "hosts-phone.png",
            "hosts-draining.png",
            "recurring.png",
            "recurring-paused.png")) {
      assertThat(SHOTS.resolve(shot)).isNotEmptyFile();
    }
  }

  private static Set<String> drainingHosts(ApiClient api) {
    Set<String> draining = new HashSet<>();
    for (var host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
      if (host.path("status").asText().equals("DRAINING")) {
        draining.add(host.path("hostId").asText());
      }
    }
    return draining;
  }

  @Test
  void thePageComesFromTheRuntimeWithAPolicyAllowingOnlyItsOwnOrigin(LocalRuntime runtime)
      throws IOException, InterruptedException {
    var http = java.net.http.HttpClient.newHttpClient();
    var page =
        http.send(
            java.net.http.HttpRequest.newBuilder(runtime.baseUri().resolve("/")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy"))
        .hasValueSatisfying(
            csp -> assertThat(csp).contains("default-src 'self'", "connect-src 'self'"));
    assertThat(page.body())
        .contains("<title>A4C dashboard</title>")
        .doesNotContain("http://", "https://");
    var traversal =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    runtime.baseUri().resolve("/assets/..%2Findex.html"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(traversal.statusCode()).isEqualTo(404);
  }
}
