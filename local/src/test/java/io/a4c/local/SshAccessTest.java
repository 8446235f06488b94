package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.a4c.daemon.workspaces.StepObserver;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import io.a4c.local.testing.SshClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A developer's way in, with the real OpenSSH client from the root network namespace: their own key
 * logs in as their login and finds the sources; nobody else's does, nor root; the host is verified
 * through A4C's CA line alone; keys added or removed take effect in running workspaces within 30 s.
 * On h1 (the root namespace's engine) and on h2 (an engine in a namespace of its own, reached
 * through the fleet LAN).
 */
@ExtendWith(SharedRuntime.class)
class SshAccessTest {
  /** The Debian base with openssh-server that {@code local/engines.sh debian-base} makes. */
  static final String DEBIAN = "a4c-base:bookworm";

  /** Within this, a key change reaches every running workspace of the user (issue 12). */
  static final Duration KEY_CHANGE = Duration.ofSeconds(30);

  @TempDir Path dir;

  /**
   * A project whose image is the Debian base plus sources in {@code /src} (group a4c, writable, as
   * the builder leaves them), made on {@code hostId} only, so its workspaces land there.
   */
  static String sourcesProject(Scenario scenario, Fleet fleet, String hostId, String name)
      throws InterruptedException {
    String project = scenario.createProject(name);
    var docker = fleet.docker(hostId);
    String container =
        docker
            .createContainerCmd(DEBIAN)
            .withLabels(Map.of("io.a4c.test", "true"))
            .withCmd(
                "sh",
                "-c",
                "mkdir -p /src && echo 'int main(void) { return 0; }' > /src/main.c"
                    + " && chgrp -R 2000 /src && chmod -R g+rwX /src && chmod g+s /src")
            .exec()
            .getId();
    try {
      docker.startContainerCmd(container).exec();
      docker.waitContainerCmd(container).start().awaitCompletion(60, TimeUnit.SECONDS);
      // The image's command stays the base's shell, as a built image's is.
      String imageId = docker.commitCmd(container).withCmd("/bin/bash").exec();
      String image = "a4c-test/" + project + ":1";
      fleet.tag(hostId, imageId, image);
      scenario.registerImage(project, "amd64", "1", image);
      // Placement knows what a host holds from its heartbeats.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  scenario
                      .api()
                      .get("/v1/hosts", scenario.api().adminToken())
                      .body()
                      .contains(image));
    } finally {
      docker.removeContainerCmd(container).withForce(true).exec();
    }
    return project;
  }

  static SshClient developer(Path dir, ApiClient api, String user, String keyName)
      throws Exception {
    var client = SshClient.withNewKey(dir.resolve(user + "-" + keyName), keyName);
    var put =
        api.put(
            "/v1/users/" + user + "/ssh-keys/" + keyName,
            api.tokenOf(user),
            "{\"publicKey\": \"" + client.publicKey() + "\"}");
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    var knownHosts = api.get("/v1/ssh/known-hosts", api.tokenOf(user));
    assertThat(knownHosts.status()).as(knownHosts.body()).isEqualTo(200);
    client.trust(knownHosts.body());
    return client;
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"h1", "h2"})
  void theUsersOwnKeyLogsInAsTheirLoginToTheSourcesAndNoOtherKeyDoes(
      String hostId, ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    String project = sourcesProject(scenario, fleet, hostId, "ssh-" + hostId);
    String user = scenario.user("dev");
    var own = developer(dir, api, user, "laptop");
    var other = developer(dir, api, scenario.user("other"), "laptop");

    var running = scenario.createRunning(user, project);
    assertThat(running.at("/hostId")).isEqualTo(hostId);
    String login = running.at("/ssh/user");
    String host = running.at("/ssh/host");
    String ip = running.at("/ip");
    assertThat(host).isEqualTo(running.at("/hostname"));
    assertThat(running.at("/ssh/port")).isEqualTo("22");
    assertThat(running.body()).contains("\"hostKeyFingerprints\":[\"SHA256:");

    var session = own.run(login, host, ip, "id -un; id -Gn; cd /src && ls && touch mine && pwd");
    assertThat(session.ok()).as(session.output()).isTrue();
    assertThat(session.output().lines().toList())
        .containsSubsequence(login, "main.c", "/src")
        .anySatisfy(groups -> assertThat(groups.split(" ")).contains("a4c"));
    assertThat(own.run(login, host, ip, "stat -c '%U %G' /src/mine").output())
        .isEqualTo(login + " a4c");

    var refused = other.run(login, host, ip, "true");
    assertThat(refused.ok()).as(refused.output()).isFalse();
    assertThat(refused.output()).contains("Permission denied");
    var root = own.run("root", host, ip, "true");
    assertThat(root.ok()).as(root.output()).isFalse();

    String id = running.at("/workspaceId");
    // The archive that handed the container its host key is gone from the host once sshd listens.
    var container = fleet.containersOfWorkspace(hostId, id).get(0);
    var handoff =
        fleet.docker(hostId).inspectContainerCmd(container.getId()).exec().getMounts().stream()
            .filter(mount -> "/run/a4c-handoff".equals(mount.getDestination().getPath()))
            .findFirst()
            .orElseThrow();
    assertThat(Path.of(handoff.getSource())).isDirectory().isEmptyDirectory();
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  @Test
  void theHostIsVerifiedThroughTheCaLineAndNothingElse(ApiClient api, Fleet fleet)
      throws Exception {
    var scenario = new Scenario(api);
    String project = sourcesProject(scenario, fleet, fleet.hostIds().getFirst(), "ssh-ca");
    String user = scenario.user("careful");
    var client = developer(dir, api, user, "laptop");
    var running = scenario.createRunning(user, project);
    String login = running.at("/ssh/user");
    String host = running.at("/ssh/host");
    String ip = running.at("/ip");
    assertThat(client.run(login, host, ip, "true").ok()).isTrue();

    // Another CA's line for the same domain: strict checking must refuse the workspace's key.
    var stranger = SshClient.withNewKey(dir.resolve("stranger-ca"), "ca");
    String line = api.get("/v1/ssh/known-hosts", api.tokenOf(user)).body().strip();
    client.trust(line.substring(0, line.indexOf(" ecdsa-sha2")) + " " + stranger.publicKey());
    var refused = client.run(login, host, ip, "true");
    assertThat(refused.ok()).isFalse();
    assertThat(refused.output()).contains("Host key verification failed");

    // The CA's line under another name: the certificate names this workspace only.
    client.trust(line);
    var misnamed = client.run(login, "ws-00000000000000000000000000." + domainOf(host), ip, "true");
    assertThat(misnamed.ok()).as(misnamed.output()).isFalse();

    String id = running.at("/workspaceId");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  @Test
  void keysAddedOrRemovedReachARunningWorkspaceWithin30Seconds(ApiClient api, Fleet fleet)
      throws Exception {
    var scenario = new Scenario(api);
    String hostId = fleet.hostIds().get(fleet.hostIds().size() > 1 ? 1 : 0);
    String project = sourcesProject(scenario, fleet, hostId, "ssh-sync");
    String user = scenario.user("rotating");
    var laptop = developer(dir, api, user, "laptop");
    var running = scenario.createRunning(user, project);
    String login = running.at("/ssh/user");
    String host = running.at("/ssh/host");
    String ip = running.at("/ip");

    var desktop = developer(dir, api, user, "desktop");
    await()
        .atMost(KEY_CHANGE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> desktop.run(login, host, ip, "true").ok());

    var removed = api.delete("/v1/users/" + user + "/ssh-keys/laptop", api.tokenOf(user));
    assertThat(removed.status()).as(removed.body()).isEqualTo(204);
    await()
        .atMost(KEY_CHANGE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !laptop.run(login, host, ip, "true").ok());
    assertThat(desktop.run(login, host, ip, "true").ok()).isTrue();

    String id = running.at("/workspaceId");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }

  /** The daemon's process dying at a step boundary (see StepObserver). */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aDaemonKilledBetweenWritingKeysAndReportingThemConverges(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String hostId = fleet.hostIds().get(fleet.hostIds().size() > 1 ? 1 : 0);
    String project = sourcesProject(scenario, fleet, hostId, "ssh-crash");
    String user = scenario.user("crashkeys");
    developer(dir, api, user, "laptop");
    var running = scenario.createRunning(user, project);
    String id = running.at("/workspaceId");
    var crashed = new CountDownLatch(1);
    var armed = new AtomicBoolean(true);
    runtime.stopDaemon(hostId);
    runtime.startDaemon(
        hostId,
        new StepObserver() {
          @Override
          public void completed(String workspaceId, io.a4c.events.WorkspaceStep step) {}

          @Override
          public void keysWritten(String workspaceId, long revision) {
            if (workspaceId.equals(id) && armed.compareAndSet(true, false)) {
              crashed.countDown();
              throw new SimulatedCrash();
            }
          }
        });
    try {
      var desktop = developer(dir, api, user, "desktop");
      assertThat(crashed.await(60, TimeUnit.SECONDS)).isTrue();
      runtime.stopDaemon(hostId);
      runtime.startDaemon(hostId, StepObserver.NONE);

      // The command was never acknowledged: it comes again, the keys are written again (the same
      // file) and reported; the new key logs in.
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  desktop
                      .run(
                          running.at("/ssh/user"),
                          running.at("/ssh/host"),
                          running.at("/ip"),
                          "true")
                      .ok());
    } finally {
      runtime.stopDaemon(hostId);
      runtime.startDaemon(hostId, StepObserver.NONE);
    }
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
    assertThat(fleet.containersOf(user)).isEmpty();
  }

  private static String domainOf(String hostname) {
    return hostname.substring(hostname.indexOf('.') + 1);
  }
}
