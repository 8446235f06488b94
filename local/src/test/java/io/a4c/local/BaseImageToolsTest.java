package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.a4c.events.WorkspaceLogin;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's project, built for real on the local Debian base ({@code local/engines.sh
 * debian-base}, which {@code ./a4c test} runs): its tools (openssh-server, git, vim) are in the
 * base, so the build runs no apt-get and needs no network (h2 and h3 have none), and the sources
 * land in {@code /src} owned by the workspace group and writable by any of its members.
 */
@ExtendWith(SharedRuntime.class)
class BaseImageToolsTest {
  private static final String BASE = "a4c-base:bookworm";

  @Test
  void aProjectWhoseToolsTheBaseHasBuildsWithoutAptAndItsSourcesAreTheWorkspaceGroups(
      ApiClient api, Fleet fleet) throws Exception {
    for (String host : fleet.hostIds()) {
      assumeTrue(
          fleet.holds(host, BASE), host + " lacks " + BASE + ": local/engines.sh debian-base");
    }
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    repo.commit("hello.txt", "hello from the source\n");
    String change = repo.commit("lib/util.c", "int util;\n").substring(0, 12);
    String project = scenario.project("tools");
    var put =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "%s"},
             "baseImage": "%s", "tools": ["openssh-server", "git", "vim"], "parents": ["main"],
             "setup": ["test -x /usr/sbin/sshd"],
             "workspaceSize": {"cpus": 0.5, "memoryMb": 256, "pids": 128}}
            """
                .formatted(repo.url(), BASE));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    String carol = scenario.user("carol");

    String id = scenario.scheduleBuild(carol, project, change).at("/scheduleId");
    var done = scenario.awaitBuild(carol, id, "COMPLETED");
    String log =
        api.get("/v1/users/" + carol + "/image-schedules/" + id + "/log", api.tokenOf(carol))
            .at("/log");
    // (The script's text is in the log too: only whole lines of output count.)
    assertThat(log.lines())
        .contains("a4c: tools already installed: openssh-server git vim")
        .noneMatch(line -> line.startsWith("a4c: installing"))
        .noneMatch(line -> line.startsWith("Reading package lists"));

    var workspace = scenario.createRunning(carol, project);
    assertThat(workspace.at("/imageRef")).isEqualTo(done.at("/imageRef"));
    String hostId = workspace.at("/hostId");
    String container =
        fleet.containersOfWorkspace(hostId, workspace.at("/workspaceId")).getFirst().getId();
    int gid = WorkspaceLogin.GROUP_ID;
    assertThat(
            fleet.exec(
                hostId,
                container,
                "stat",
                "-c",
                "%n %u:%g %A",
                "/src",
                "/src/hello.txt",
                "/src/lib",
                "/src/lib/util.c"))
        .isEqualTo(
            "/src 0:"
                + gid
                + " drwxrwxr-x\n/src/hello.txt 0:"
                + gid
                + " -rw-rw-r--\n/src/lib 0:"
                + gid
                + " drwxrwxr-x\n/src/lib/util.c 0:"
                + gid
                + " -rw-rw-r--\n");
    assertThat(fleet.exec(hostId, container, "test", "-e", "/src/.git")).isEmpty();
    // Any member of the group (here uid 4321, not in the image's passwd) may change the sources.
    assertThat(
            execAs(
                fleet,
                hostId,
                container,
                "4321:" + gid,
                "echo edited >> /src/hello.txt && touch /src/lib/new.c && echo ok"))
        .isEqualTo("ok\n");

    api.delete(
        "/v1/users/" + carol + "/workspaces/" + workspace.at("/workspaceId"), api.tokenOf(carol));
    scenario.awaitGone(carol, workspace.at("/workspaceId"));
  }

  private static String execAs(
      Fleet fleet, String hostId, String container, String user, String script)
      throws InterruptedException {
    var docker = fleet.docker(hostId);
    String execId =
        docker
            .execCreateCmd(container)
            .withUser(user)
            .withCmd("sh", "-c", script)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    var out = new StringBuilder();
    docker
        .execStartCmd(execId)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
              }
            })
        .awaitCompletion(30, TimeUnit.SECONDS);
    return out.toString();
  }
}
