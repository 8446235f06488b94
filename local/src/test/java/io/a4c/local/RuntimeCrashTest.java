package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.ChildRuntimeTest;
import io.a4c.local.testing.FaultFigures;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Mailbox;
import io.a4c.local.testing.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A crash of the local runtime, for real: its JVM, a child process of the test, gets {@code kill
 * -9} mid-create and mid-build and is started again on the same data directory. Nothing queued is
 * lost (the queues are durable), what a dead daemon had taken comes back after the command
 * visibility timeout (4 s here), and what finished without its last reports is repaired by the
 * reconciler: every workspace ends RUNNING with one container, every build ends once. And nothing
 * the JVM started outlives it.
 */
class RuntimeCrashTest extends ChildRuntimeTest {
  /**
   * The stuck deadline stays far off: what converges here is the queues' and reconciler's doing.
   */
  @Override
  protected Map<String, String> settings() {
    return Map.of(LocalEnv.STUCK_AFTER_SECONDS, "600");
  }

  @Test
  void workspacesBeingCreatedWhenTheRuntimeIsKilledRunWithOneContainerEachAfterARestart() {
    var api = ApiClient.overHttp(runtime.baseUri());
    var scenario = new Scenario(api);
    String project = scenario.createProject("crash", "echo set up > /set-up");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = user(scenario, "cara");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var accepted = scenario.requestWorkspace(user, project, "amd64");
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      ids.add(accepted.at("/workspaceId"));
    }

    long injected = System.nanoTime();
    runtime.kill9();
    runtime.start();
    long restarted = System.nanoTime();

    var after = new Scenario(ApiClient.overHttp(runtime.baseUri()));
    for (String id : ids) {
      var running = after.awaitState(user, id, "RUNNING");
      assertThat(running.at("/ip")).isNotBlank();
      assertThat(fleet.containersOfWorkspace(running.at("/hostId"), id))
          .as("containers of " + id)
          .hasSize(1)
          .allSatisfy(c -> assertThat(c.getState()).isEqualTo("running"));
    }
    FaultFigures.converged("runtime killed mid-create, 3 workspaces (from the kill)", injected);
    FaultFigures.converged(
        "runtime killed mid-create, 3 workspaces (from healthy again)", restarted);
    assertThat(fleet.containersOf(user)).hasSize(ids.size());
  }

  @Test
  void aBuildRunningWhenTheRuntimeIsKilledEndsOnceAfterARestart() {
    var api = ApiClient.overHttp(runtime.baseUri());
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "crash\n").substring(0, 12);
    String project = scenario.createGitProject("crashbuild", repo, "sleep 8", "echo ok > /ok");
    String user = user(scenario, "bea");
    String id = scenario.scheduleBuild(user, project, change).at("/scheduleId");
    scenario.awaitBuild(user, id, "IN_PROGRESS");

    long injected = System.nanoTime();
    runtime.kill9();
    runtime.start();
    long restarted = System.nanoTime();

    var api2 = ApiClient.overHttp(runtime.baseUri());
    var done = new Scenario(api2).awaitBuild(user, id, "COMPLETED");
    FaultFigures.converged("runtime killed mid-build (from the kill)", injected);
    FaultFigures.converged("runtime killed mid-build (from healthy again)", restarted);
    // The job came back once its visibility timeout ran out, and a builder took it over.
    assertThat(done.at("/attempts")).isEqualTo("2");
    var mailbox = new Mailbox(runtime.sesEndpoint());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mailbox.to(Scenario.emailOf(user)).size() == 1);
    // The end is audited just after the email goes.
    var completed = Pattern.compile("\"action\":\"build\\.completed\"");
    String trail =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> api2.get("/v1/audit?userId=" + user + "&limit=50", api2.adminToken()).body(),
                body -> completed.matcher(body).find());
    assertThat(completed.matcher(trail).results()).hasSize(1);
    assertThat(trail).doesNotContain("\"action\":\"build.failed\"");
    assertThat(mailbox.to(Scenario.emailOf(user))).hasSize(1);
  }

  @Test
  void nothingTheRuntimeStartedOutlivesItsJvmKilledWithSigkill() {
    var children = runtime.descendants();
    assertThat(children).as("the SES endpoint at least").isNotEmpty();

    runtime.kill9();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(children.stream().filter(ProcessHandle::isAlive))
                    .as("processes of the killed JVM still alive")
                    .isEmpty());
  }
}
