package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a workspace container gets, read back from the real engine and from inside the container:
 * not privileged, no Docker socket or host mount (only its own home volume), the project's CPU,
 * memory and pids limits, the reduced capability set, no-new-privileges, and none of the host's
 * namespaces.
 */
@ExtendWith(SharedRuntime.class)
class ContainerConfinementTest {

  @Test
  void aWorkspaceContainerIsConfined(ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    String project =
        scenario.createProject("confined"); // workspaceSize: 0.5 CPU, 128 MiB, 128 pids
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = scenario.user("confined");
    var running = scenario.createRunning(user, project);
    String hostId = running.at("/hostId");
    String workspaceId = running.at("/workspaceId");
    DockerClient docker = fleet.docker(hostId);
    var container = fleet.containersOfWorkspace(hostId, workspaceId).get(0);
    var inspect = docker.inspectContainerCmd(container.getId()).exec();
    var host = inspect.getHostConfig();

    assertThat(host.getPrivileged()).isFalse();
    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
    assertThat(host.getPidsLimit()).isEqualTo(128L);
    assertThat(host.getCapDrop())
        .contains(Capability.NET_RAW, Capability.MKNOD, Capability.AUDIT_WRITE);
    assertThat(host.getCapAdd() == null ? List.of() : List.of(host.getCapAdd())).isEmpty();
    assertThat(host.getSecurityOpts()).contains("no-new-privileges");
    assertThat(host.getBinds() == null ? List.of() : List.of(host.getBinds())).isEmpty();
    // The workspace's own home volume (issue 13), a named volume; and its handoff directory, the
    // one host path: the daemon's directory of this workspace alone, read-only.
    assertThat(host.getMounts()).hasSize(2);
    assertThat(host.getMounts().get(0))
        .satisfies(
            mount -> {
              assertThat(mount.getType())
                  .isEqualTo(com.github.dockerjava.api.model.MountType.VOLUME);
              assertThat(mount.getSource()).isEqualTo("a4c-home-" + workspaceId);
              assertThat(mount.getTarget()).isEqualTo("/home");
            });
    assertThat(host.getMounts().get(1))
        .satisfies(
            mount -> {
              assertThat(mount.getType()).isEqualTo(com.github.dockerjava.api.model.MountType.BIND);
              assertThat(mount.getSource())
                  .endsWith("/hosts/" + hostId + "/handoff/" + workspaceId);
              assertThat(mount.getTarget()).isEqualTo("/run/a4c-handoff");
              assertThat(mount.getReadOnly()).isTrue();
            });
    assertThat(host.getDevices() == null ? List.of() : List.of(host.getDevices())).isEmpty();
    assertThat(host.getNetworkMode()).isNotEqualTo("host");
    assertThat(host.getPidMode()).isNullOrEmpty();
    assertThat(host.getIpcMode()).isNotEqualTo("host");
    assertThat(host.getUsernsMode()).isNullOrEmpty();
    assertThat(inspect.getMounts())
        .filteredOn(mount -> "/home".equals(mount.getDestination().getPath()))
        .singleElement()
        .satisfies(
            mount -> {
              assertThat(mount.getName()).isEqualTo("a4c-home-" + workspaceId);
              assertThat(mount.getDriver()).isEqualTo("local");
            });
    assertThat(
            exec(
                docker,
                container.getId(),
                "touch /run/a4c-handoff/x 2>/dev/null; echo $?; ls -A /run/a4c-handoff"))
        .as("the handoff is read-only and holds the workspace's own files only")
        .isEqualTo("1\nfiles.tar");

    // From inside: no Docker socket, no new privileges, NET_RAW (bit 13) not in the bounding set.
    assertThat(
            exec(
                docker,
                container.getId(),
                "test -e /var/run/docker.sock || test -e /run/docker.sock; echo $?"))
        .isEqualTo("1");
    assertThat(exec(docker, container.getId(), "grep NoNewPrivs /proc/self/status | tr -dc 0-9"))
        .isEqualTo("1");
    String bounding = exec(docker, container.getId(), "grep CapBnd /proc/self/status | cut -f2");
    assertThat(Long.parseLong(bounding, 16) & (1L << 13)).isZero();

    api.delete("/v1/users/" + user + "/workspaces/" + workspaceId, api.tokenOf(user));
    scenario.awaitGone(user, workspaceId);
  }

  private static String exec(DockerClient docker, String containerId, String command)
      throws InterruptedException {
    String execId =
        docker
            .execCreateCmd(containerId)
            .withCmd("sh", "-c", command)
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
    return out.toString().strip();
  }
}
