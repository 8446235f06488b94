package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.daemon.config.WorkspaceSubnet;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workspaces are reachable from the developer's machine (the test JVM, in the root network
 * namespace) at their own addresses, on h1 and on a namespaced host, through the routes and
 * firewall rules {@code local/engines.sh up} sets: each host's workspaces get addresses in its own
 * subnet, 10.251.K.0/24; a namespaced host lets the developer in on port 22 only; workspaces reach
 * neither each other nor the runtime's own services. A busybox {@code httpd} on port 22 stands in
 * for sshd.
 */
@ExtendWith(SharedRuntime.class)
class WorkspaceRoutingTest {

  private record Placed(String hostId, String user, String workspaceId, String ip, String id) {}

  @Test
  void aWorkspaceOnAnyHostIsReachableFromTheDeveloperOnPort22AtAnAddressOfItsHostsSubnet(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    assumeTrue(
        fleet.hostIds().contains("h1") && fleet.hostIds().contains("h2"),
        "needs h1 and the namespaced h2 (./a4c test starts them)");
    var scenario = new Scenario(api);
    List<Placed> placed = new ArrayList<>();
    try {
      var onH1 = place(scenario, api, fleet, "h1", "route");
      var onH2 = place(scenario, api, fleet, "h2", "route");
      var neighbour = place(scenario, api, fleet, "h2", "neighbour");
      placed.addAll(List.of(onH1, onH2, neighbour));

      for (Placed workspace : placed) {
        String subnet = FleetSubnets.of(workspace.hostId()).orElseThrow();
        assertThat(new WorkspaceSubnet(subnet).contains(workspace.ip()))
            .as(workspace.ip() + " in " + subnet)
            .isTrue();
        fleet.exec(workspace.hostId(), workspace.id(), "httpd", "-p", "22", "-h", "/etc");
      }
      for (Placed workspace : List.of(onH1, onH2)) {
        await()
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(httpGet(workspace.ip(), 22, "/passwd"))
                        .as(workspace.hostId())
                        .startsWith("HTTP/1.")
                        .contains("root:x:0:0"));
      }

      // On a namespaced host, port 22 alone is open to the developer.
      fleet.exec("h2", onH2.id(), "httpd", "-p", "80", "-h", "/etc");
      assertThat(
              fleet.exec("h2", onH2.id(), "sh", "-c", "nc -w 2 127.0.0.1 80 </dev/null; echo $?"))
          .as("httpd listens on 80 inside")
          .endsWith("0\n");
      assertThatThrownBy(() -> httpGet(onH2.ip(), 80, "/passwd")).isInstanceOf(IOException.class);

      // nc itself works, and a workspace still opens connections out (replies come back in).
      assertThat(connects(fleet, onH2, "10.250.0.1", 5000)).as("the registry").isTrue();
      // Not to a workspace of another user on its own bridge, nor on another host.
      assertThat(connects(fleet, neighbour, onH2.ip(), 22)).as("same bridge").isFalse();
      assertThat(connects(fleet, onH1, onH2.ip(), 22)).as("h1 to h2").isFalse();
      // Not to the runtime's services, which listen on the root namespace's loopback only.
      assertThat(connects(fleet, onH2, "10.250.0.1", runtime.baseUri().getPort()))
          .as("the API from h2")
          .isFalse();
      assertThat(connects(fleet, onH1, "10.251.1.1", runtime.baseUri().getPort()))
          .as("the API from h1, through its own gateway")
          .isFalse();
    } finally {
      for (Placed workspace : placed) {
        api.delete(
            "/v1/users/" + workspace.user() + "/workspaces/" + workspace.workspaceId(),
            api.tokenOf(workspace.user()));
      }
      for (Placed workspace : placed) {
        scenario.awaitGone(workspace.user(), workspace.workspaceId());
      }
    }
  }

  /** A running workspace on {@code hostId}: its project's image is on that host alone. */
  private static Placed place(
      Scenario scenario, ApiClient api, Fleet fleet, String hostId, String name) {
    String project = scenario.createProject(name + "-" + hostId);
    String image = "a4c-test/" + project + ":1";
    fleet.tag(hostId, "a4c-base:busybox", image);
    scenario.registerImage(project, "amd64", "1", image);
    await().atMost(Duration.ofSeconds(30)).until(() -> heartbeatShows(api, hostId, image));
    String user = scenario.user(name + "-" + hostId);
    var running = scenario.createRunning(user, project);
    assertThat(running.at("/hostId")).isEqualTo(hostId);
    String workspaceId = running.at("/workspaceId");
    String id = fleet.containersOfWorkspace(hostId, workspaceId).get(0).getId();
    return new Placed(hostId, user, workspaceId, running.at("/ip"), id);
  }

  private static boolean heartbeatShows(ApiClient api, String hostId, String image) {
    for (JsonNode host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
      if (host.get("hostId").asText().equals(hostId)
          && host.get("images").toString().contains("\"" + image + "\"")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a TCP connection from inside {@code from} to {@code ip:port} opens within 2 s. */
  private static boolean connects(Fleet fleet, Placed from, String ip, int port) {
    String out =
        fleet.exec(
            from.hostId(),
            from.id(),
            "sh",
            "-c",
            "nc -w 2 \"$0\" \"$1\" </dev/null >/dev/null 2>&1; echo rc=$?",
            ip,
            Integer.toString(port));
    assertThat(out).contains("rc=");
    return out.contains("rc=0");
  }

  /** A plain HTTP/1.0 GET from this JVM (the developer's namespace): the reply's text. */
  private static String httpGet(String ip, int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, port), 2000);
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
