package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Registry;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What user code in a workspace can reach of the runtime's own engines: nothing. From inside a real
 * workspace container, on h1 (the root namespace, where the runtime runs) and on a namespaced host,
 * no engine answers at the container's Docker bridge gateway nor at the fleet's address 10.250.0.1:
 * DynamoDB, SQS (ElasticMQ), SES, the Lambda Invoke stand-in and the API gateway listen on loopback
 * only. The fleet's registry answers (builds and pulls need it) but refuses an anonymous push,
 * while the runtime's own builds push with its credentials.
 */
@ExtendWith(SharedRuntime.class)
class EngineExposureTest {
  /** The fleet's address of the root namespace (bridge a4cbr0), where the runtime runs. */
  private static final String FLEET_ADDRESS = "10.250.0.1";

  @Test
  void noEngineOfTheRuntimeAnswersFromInsideAWorkspaceOnAnyHost(
      ApiClient api, Fleet fleet, LocalRuntime runtime) {
    Map<String, Integer> engines = new LinkedHashMap<>();
    engines.put("DynamoDB", runtime.dynamoDbEndpoint().getPort());
    engines.put("SQS (ElasticMQ)", runtime.sqsEndpoint().getPort());
    engines.put("SES", runtime.sesEndpoint().getPort());
    engines.put("Lambda Invoke", runtime.lambdaEndpoint().getPort());
    engines.put("API gateway", runtime.baseUri().getPort());
    var scenario = new Scenario(api);
    var soft = new SoftAssertions();

    for (String hostId : hostsToProbe(fleet)) {
      var workspace = new ProbeWorkspace(api, fleet, scenario, hostId);
      String gateway = workspace.bridgeGateway();
      // The probe itself works: the registry, which containers may reach, does answer.
      assertThat(workspace.connects(FLEET_ADDRESS, registryPort(runtime)))
          .as("from a workspace on %s, the registry at %s answers", hostId, FLEET_ADDRESS)
          .isTrue();
      for (var engine : engines.entrySet()) {
        for (String address : List.of(gateway, FLEET_ADDRESS)) {
          soft.assertThat(workspace.connects(address, engine.getValue()))
              .as(
                  "from a workspace on %s, %s (port %d) answers at %s",
                  hostId, engine.getKey(), engine.getValue(), address)
              .isFalse();
        }
      }
      workspace.delete();
    }
    soft.assertAll();
  }

  @Test
  void anAnonymousPushFromAWorkspaceIsRefusedWhileTheRuntimesBuildsPush(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    var registry = new Registry(runtime);
    String repository = registry.repository().path();
    String registryHost = registry.repository().registry();

    for (String hostId : hostsToProbe(fleet)) {
      var workspace = new ProbeWorkspace(api, fleet, scenario, hostId);
      String status =
          workspace.shell(
              "printf 'POST /v2/%s/blobs/uploads/ HTTP/1.0\\r\\nHost: %s\\r\\nContent-Length: 0\\r\\n\\r\\n'"
                      .formatted(repository, registryHost)
                  + " | nc -w 5 %s %d | head -n 1".formatted(FLEET_ADDRESS, registryPort(runtime)));
      assertThat(status)
          .as("an anonymous blob upload from a workspace on %s", hostId)
          .matches("HTTP/1\\.[01] 401 .*\\s*");
      workspace.delete();
    }
    assertThat(registry.tagsAnonymously().statusCode()).isEqualTo(401);

    // The runtime's own builder pushes with its credentials, and a host pulls the image with them.
    var repo = GitRepo.create();
    String change = repo.commit("hello.txt", "pushed with a login\n").substring(0, 12);
    String project = scenario.createGitProject("authpush", repo, "cp /src/hello.txt /pushed");
    String user = scenario.user("pusher");
    var done =
        scenario.awaitBuild(
            user, scenario.scheduleBuild(user, project, change).at("/scheduleId"), "COMPLETED");
    String imageRef = done.at("/imageRef");
    assertThat(registry.tags().body()).contains("\"" + project + "_main_amd64_" + change + "\"");
    fleet.removeEverywhere(imageRef);
    var running = scenario.createRunning(user, project);
    var container =
        fleet.containersOfWorkspace(running.at("/hostId"), running.at("/workspaceId")).getFirst();
    assertThat(fleet.exec(running.at("/hostId"), container.getId(), "cat", "/pushed"))
        .isEqualTo("pushed with a login\n");
    api.delete(
        "/v1/users/" + user + "/workspaces/" + running.at("/workspaceId"), api.tokenOf(user));
    scenario.awaitGone(user, running.at("/workspaceId"));
  }

  /** h1, where the runtime runs, and the first namespaced host when there is one. */
  private static List<String> hostsToProbe(Fleet fleet) {
    List<String> hosts = new ArrayList<>(fleet.hostIds().subList(0, 1));
    if (fleet.hostIds().size() > 1) {
      hosts.add(fleet.hostIds().get(1));
    }
    return hosts;
  }

  private static int registryPort(LocalRuntime runtime) {
    String registry = runtime.config().builds().repository().registry();
    int colon = registry.lastIndexOf(':');
    return colon < 0 ? 80 : Integer.parseInt(registry.substring(colon + 1));
  }

  /**
   * A running workspace placed on one host: its project's image is tagged on that host alone, and
   * placement only picks hosts that hold the image.
   */
  private static final class ProbeWorkspace {
    private final ApiClient api;
    private final Fleet fleet;
    private final Scenario scenario;
    private final String hostId;
    private final String user;
    private final String workspaceId;
    private final String containerId;

    ProbeWorkspace(ApiClient api, Fleet fleet, Scenario scenario, String hostId) {
      this.api = api;
      this.fleet = fleet;
      this.scenario = scenario;
      this.hostId = hostId;
      String project = scenario.createProject("exposure-" + hostId);
      String image = "a4c-test/" + project + ":1";
      fleet.tag(hostId, "a4c-base:busybox", image);
      scenario.registerImage(project, "amd64", "1", image);
      awaitHeartbeatWith(hostId, image);
      user = scenario.user("prober-" + hostId);
      var running = scenario.createRunning(user, project);
      assertThat(running.at("/hostId")).isEqualTo(hostId);
      workspaceId = running.at("/workspaceId");
      containerId = fleet.containersOfWorkspace(hostId, workspaceId).getFirst().getId();
    }

    /** The default gateway inside the container: its engine's bridge, on that host. */
    String bridgeGateway() {
      String gateway = shell("ip route | sed -n 's/^default via \\([0-9.]*\\).*/\\1/p'").strip();
      assertThat(gateway).as("the default gateway in a workspace on %s", hostId).isNotEmpty();
      return gateway;
    }

    /** Whether a TCP connection from inside the container to {@code address:port} opens. */
    boolean connects(String address, int port) {
      // busybox nc exits 0 once connected (it then waits -w seconds for the peer), 1 when refused
      // or unreachable. (busybox 1.35's wget -T segfaults, hence nc.)
      String out =
          shell("nc -w 2 %s %d </dev/null >/dev/null 2>&1; echo $?".formatted(address, port));
      return out.strip().equals("0");
    }

    String shell(String command) {
      return fleet.exec(hostId, containerId, "sh", "-c", command);
    }

    void delete() {
      api.delete("/v1/users/" + user + "/workspaces/" + workspaceId, api.tokenOf(user));
      scenario.awaitGone(user, workspaceId);
    }

    private void awaitHeartbeatWith(String hostId, String image) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (JsonNode host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
                  if (host.get("hostId").asText().equals(hostId)
                      && host.get("images").toString().contains("\"" + image + "\"")) {
                    return true;
                  }
                }
                return false;
              });
    }
  }
}
