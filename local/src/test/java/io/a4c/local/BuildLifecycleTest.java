package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Mailbox;
import io.a4c.local.testing.Registry;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Image builds end to end: real git sources, real engines, the real registry, SES, the queue. */
@ExtendWith(SharedRuntime.class)
class BuildLifecycleTest {

  @Test
  void aScheduledBuildCompletesWithItsImageInTheRegistryAnEmailAndAWorkspaceThatRunsIt(
      ApiClient api, Fleet fleet, Mailbox mailbox, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("hello.txt", "hello from the source\n").substring(0, 12);
    String project =
        scenario.createGitProject(
            "built", repo, "cp /src/hello.txt /built-from", "echo setup ran > /setup-ran");
    String alice = scenario.user("alice");

    var scheduled = scenario.scheduleBuild(alice, project, change);
    assertThat(scheduled.at("/status")).isEqualTo("SCHEDULED");
    String id = scheduled.at("/scheduleId");
    assertThat(scheduled.headers().get("location"))
        .containsExactly("/v1/users/" + alice + "/image-schedules/" + id);

    var done = scenario.awaitBuild(alice, id, "COMPLETED");
    var repository = runtime.config().builds().repository();
    // One repository for every project; the project leads the tag.
    String imageRef = repository + ":" + project + "_main_amd64_" + change;
    assertThat(done.at("/imageRef")).isEqualTo(imageRef);
    assertThat(done.at("/digest")).startsWith("sha256:");
    assertThat(done.at("/attempts")).isEqualTo("1");
    assertThat(done.at("/workerId")).matches("h[0-9]+/[0-9]+");
    assertThat(done.at("/startedAt")).isNotBlank();
    assertThat(done.at("/endedAt")).isNotBlank();

    // In the registry, by its tag (read with the credentials the daemons pushed with).
    var tags = new Registry(runtime).tags();
    assertThat(tags.statusCode()).isEqualTo(200);
    assertThat(tags.body()).contains("\"" + project + "_main_amd64_" + change + "\"");

    // One email, saying so.
    var emails =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> mailbox.to(Scenario.emailOf(alice)), list -> !list.isEmpty());
    assertThat(emails).hasSize(1);
    assertThat(emails.getFirst().subject()).contains("completed").contains(project);
    assertThat(emails.getFirst().text()).contains(imageRef);

    // The audit trail says who asked for it and who built it.
    String trail = api.get("/v1/audit?userId=" + alice + "&limit=50", api.adminToken()).body();
    assertThat(trail)
        .contains("\"action\":\"build.schedule\"")
        .contains("\"action\":\"build.completed\"")
        .contains("schedule:" + id);

    // The log is the owner's to read, and nobody else's.
    var log = api.get("/v1/users/" + alice + "/image-schedules/" + id + "/log", api.tokenOf(alice));
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.at("/log"))
        .contains("checked out ")
        .contains("COPY --chown=0:2000 sources/ /")
        .contains("pushed " + imageRef);
    assertThat(
            api.get(
                    "/v1/users/" + alice + "/image-schedules/" + id + "/log",
                    api.tokenOf(scenario.user("eve")))
                .status())
        .isEqualTo(404);

    // A completed build is prefetched until two hosts hold it (docs/builds.md): let that land
    // first, so no late prefetch brings the image back after it is taken away.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.get("/v1/users/" + alice + "/image-schedules/" + id, api.tokenOf(alice))
                    .json()
                    .get("imageHosts"),
            hosts -> hosts.size() >= 2);
    // No host holds the image any more: the workspace's host pulls it from the registry.
    fleet.removeEverywhere(imageRef);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api.get("/v1/users/" + alice + "/image-schedules/" + id, api.tokenOf(alice))
                    .json()
                    .get("imageHosts")
                    .isEmpty());
    var workspace = scenario.createRunning(alice, project);
    String hostId = workspace.at("/hostId");
    assertThat(workspace.at("/imageRef")).isEqualTo(imageRef);
    assertThat(workspace.at("/change")).isEqualTo(change);
    var container = fleet.containersOfWorkspace(hostId, workspace.at("/workspaceId")).getFirst();
    assertThat(fleet.exec(hostId, container.getId(), "cat", "/built-from", "/setup-ran"))
        .isEqualTo("hello from the source\nsetup ran\n");

    api.delete(
        "/v1/users/" + alice + "/workspaces/" + workspace.at("/workspaceId"), api.tokenOf(alice));
    scenario.awaitGone(alice, workspace.at("/workspaceId"));
  }

  @Test
  void aFailingStepEndsTheBuildFailedWithTheReasonAndAnEmailAndNoWorkspaceUsesIt(
      ApiClient api, Fleet fleet, Mailbox mailbox) {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("Makefile", "all:\n\tfalse\n").substring(0, 12);
    String project =
        scenario.createGitProject(
            "broken", repo, "echo compiling", "echo compiler error >&2; exit 7");
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String bob = scenario.user("bob");

    String id = scenario.scheduleBuild(bob, project, change).at("/scheduleId");
    var failed = scenario.awaitBuild(bob, id, "FAILED");

    assertThat(failed.at("/reason")).contains("a Dockerfile step failed").contains("7");
    assertThat(failed.at("/imageRef")).isNull();
    var emails =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> mailbox.to(Scenario.emailOf(bob)), list -> !list.isEmpty());
    assertThat(emails).hasSize(1);
    assertThat(emails.getFirst().subject()).contains("failed");
    assertThat(emails.getFirst().text()).contains("a Dockerfile step failed");
    assertThat(
            api.get("/v1/users/" + bob + "/image-schedules/" + id + "/log", api.tokenOf(bob))
                .at("/log"))
        .contains("compiler error");

    // Nothing half-built reaches a workspace: that change has no image, and the newest is the old
    // one.
    var atChange =
        api.post(
            "/v1/users/" + bob + "/workspaces",
            api.tokenOf(bob),
            "{\"projectName\": \"%s\", \"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"%s\"}"
                .formatted(project, change));
    assertThat(atChange.status()).isEqualTo(409);
    var newest = scenario.requestWorkspace(bob, project, "amd64");
    assertThat(newest.status()).isEqualTo(202);
    assertThat(newest.at("/imageRef")).isEqualTo("a4c-base:busybox");
    api.delete("/v1/users/" + bob + "/workspaces/" + newest.at("/workspaceId"), api.tokenOf(bob));
    scenario.awaitGone(bob, newest.at("/workspaceId"));
  }
}
