package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workspace hostnames resolve through the runtime's DNS server, asked with the real {@code dig}
 * (dnsutils, installed by {@code local/engines.sh install}) from the root network namespace, as a
 * developer's resolver would ask it: a workspace's name on h1 and on a namespaced host answers its
 * address once it runs and NXDOMAIN once it is deleted; names outside the domain are refused, and
 * garbage does not stop the server.
 */
@ExtendWith(SharedRuntime.class)
class WorkspaceDnsTest {
  private static final Duration RESOLVES_WITHIN = Duration.ofSeconds(30);

  @Test
  void aWorkspaceNameResolvesToItsAddressUntilItIsDeleted(
      LocalRuntime runtime, ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String user = scenario.user("resolver");
    // h1 and the last host (h3 in ./a4c test, in its own network namespace), each made the only
    // holder of its project's image so placement puts the workspace there.
    var hosts = new LinkedHashSet<>(List.of(fleet.hostIds().getFirst(), fleet.hostIds().getLast()));
    var workspaces = new ArrayList<String[]>();
    for (String hostId : hosts) {
      String project = scenario.createProject("dns-" + hostId);
      String image = "a4c-test/" + project + ":1";
      fleet.tag(hostId, "a4c-base:busybox", image);
      scenario.registerImage(project, "amd64", "1", image);
      awaitHeartbeatWith(api, hostId, image);

      var running = scenario.createRunning(user, project);
      assertThat(running.at("/hostId")).isEqualTo(hostId);
      String hostname = running.at("/hostname");
      String ip = running.at("/ip");
      assertThat(hostname).isEqualTo(running.at("/workspaceId") + ".ws.a4c.internal");
      assertThat(ip).isNotBlank();

      await()
          .atMost(RESOLVES_WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> assertThat(dig(runtime, hostname, "A", "+short").trim()).isEqualTo(ip));
      // Authoritative, no recursion offered, and over TCP as well as UDP.
      String full = dig(runtime, hostname, "A", "+noall", "+comments", "+answer");
      assertThat(full).contains("status: NOERROR").containsPattern("flags: qr aa( rd)?;");
      assertThat(full).containsPattern(hostname + "\\.\\s+30\\s+IN\\s+A\\s+" + ip);
      assertThat(dig(runtime, hostname, "A", "+short", "+tcp").trim()).isEqualTo(ip);
      // A type it has no record of: the name exists, the answer is empty.
      String aaaa = dig(runtime, hostname, "AAAA", "+noall", "+comments", "+answer");
      assertThat(aaaa).contains("status: NOERROR").contains("ANSWER: 0");
      workspaces.add(new String[] {running.at("/workspaceId"), hostname});
    }

    for (String[] workspace : workspaces) {
      api.delete("/v1/users/" + user + "/workspaces/" + workspace[0], api.tokenOf(user));
      scenario.awaitGone(user, workspace[0]);
      await()
          .atMost(RESOLVES_WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(dig(runtime, workspace[1], "A", "+noall", "+comments"))
                      .contains("status: NXDOMAIN"));
      assertThat(dig(runtime, workspace[1], "A", "+short")).isBlank();
    }
  }

  @Test
  void anUnknownNameInTheDomainIsAnAuthoritativeNxdomain(LocalRuntime runtime) {
    String reply =
        dig(runtime, "ws-nobody.ws.a4c.internal", "A", "+noall", "+comments", "+authority");

    assertThat(reply).contains("status: NXDOMAIN").containsPattern("flags: qr aa( rd)?;");
    assertThat(reply).containsPattern("ws\\.a4c\\.internal\\.\\s+30\\s+IN\\s+SOA");
  }

  @Test
  void aNameOutsideTheDomainIsRefusedWithoutRecursion(LocalRuntime runtime) {
    String reply = dig(runtime, "example.com", "A", "+noall", "+comments");

    assertThat(reply).contains("status: REFUSED");
    assertThat(reply).doesNotContainPattern("flags:[a-z ]* ra[ ;]");
  }

  @Test
  void garbagePacketsDoNotStopTheServer(LocalRuntime runtime) throws IOException {
    try (var socket = new DatagramSocket()) {
      var server = InetAddress.getLoopbackAddress();
      for (byte[] garbage :
          List.of(
              new byte[] {1},
              "not a DNS message at all".getBytes(StandardCharsets.US_ASCII),
              new byte[] {0x12, 0x34, 0x01, 0x00, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 7, 'x'},
              new byte[4096])) {
        socket.send(new DatagramPacket(garbage, garbage.length, server, runtime.dnsPort()));
      }
    }

    assertThat(dig(runtime, "example.com", "A", "+noall", "+comments")).contains("status: REFUSED");
    assertThat(dig(runtime, "ws-nobody.ws.a4c.internal", "A", "+noall", "+comments", "+tcp"))
        .contains("status: NXDOMAIN");
  }

  /** Runs the real dig against the runtime's DNS server; its output. */
  private static String dig(LocalRuntime runtime, String name, String type, String... options) {
    var command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", "" + runtime.dnsPort()));
    command.addAll(List.of(name, type, "+time=2", "+tries=2"));
    command.addAll(List.of(options));
    try {
      Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!dig.waitFor(15, TimeUnit.SECONDS)) {
        dig.destroyForcibly();
        throw new AssertionError("dig did not finish: " + command);
      }
      String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(dig.exitValue()).as("dig %s: %s", command, out).isZero();
      return out;
    } catch (IOException e) {
      throw new AssertionError("dig could not run (local/engines.sh install puts it there)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void awaitHeartbeatWith(ApiClient api, String hostId, String image) {
    // Generous: on a loaded machine a heartbeat (which lists the engine's images) can lag.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
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
