package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Placement across several real engines (./a4c test runs three): the image's holders, least disk
 * first; a burst spread over hosts of equal disk; clear problems when no host fits.
 */
@ExtendWith(SharedRuntime.class)
class PlacementTest {
  /** Placement's tie in MiB: hosts nearer than this to the least disk take turns. */
  private static final int TIE_MB = 1024;

  @Test
  void placesOnTheHostWithLeastDiskAmongThoseHoldingTheImage(ApiClient api, Fleet fleet) {
    assumeTrue(fleet.hostIds().size() >= 3, "needs three Docker engines (./a4c test starts them)");
    var scenario = new Scenario(api);
    String project = scenario.createProject("placement");
    String image = "a4c-test/" + project + ":1";
    String first = fleet.hostIds().get(1);
    String second = fleet.hostIds().get(2);
    // The image is on two hosts only; the first host has the least disk of all but lacks it.
    fleet.tag(first, "a4c-base:busybox", image);
    fleet.tag(second, "a4c-base:busybox", image);
    scenario.registerImage(project, "amd64", "1", image);
    awaitHeartbeats(api, fleet, Map.of(first, image, second, image));

    // Make one holder clearly fuller than the other, whatever they held before: by more than
    // placement's tie (1 GiB), within which hosts take turns.
    Map<String, Long> disk = diskByHost(api);
    String lighter = disk.get(first) <= disk.get(second) ? first : second;
    String heavier = lighter.equals(first) ? second : first;
    fleet.fillDisk(heavier, TIE_MB + 64);
    awaitDiskAbove(api, heavier, disk.get(lighter) + (TIE_MB + 32L) * 1024 * 1024);

    String dave = scenario.user("dave");
    var placed = scenario.requestWorkspace(dave, project, "amd64");
    assertThat(placed.status()).as(placed.body()).isEqualTo(202);
    assertThat(placed.at("/hostId")).isEqualTo(lighter);

    // Now fill the lighter one past the heavier: the next workspace goes to the other holder.
    long heavierNow = diskByHost(api).get(heavier);
    long lighterNow = diskByHost(api).get(lighter);
    fleet.fillDisk(lighter, (int) ((heavierNow - lighterNow) / (1024 * 1024)) + TIE_MB + 64);
    awaitDiskAbove(api, lighter, heavierNow + (TIE_MB + 32L) * 1024 * 1024);
    var next = scenario.requestWorkspace(dave, project, "amd64");
    assertThat(next.status()).as(next.body()).isEqualTo(202);
    assertThat(next.at("/hostId")).isEqualTo(heavier);

    scenario.awaitState(dave, placed.at("/workspaceId"), "RUNNING");
    scenario.awaitState(dave, next.at("/workspaceId"), "RUNNING");
    for (String id : List.of(placed.at("/workspaceId"), next.at("/workspaceId"))) {
      api.delete("/v1/users/" + dave + "/workspaces/" + id, api.tokenOf(dave));
      scenario.awaitGone(dave, id);
    }
  }

  @Test
  void thirtyConcurrentCreatesOverThreeHostsOfEqualDiskSpreadOverAllThree(
      ApiClient api, Fleet fleet) throws Exception {
    assumeTrue(fleet.hostIds().size() >= 3, "needs three Docker engines (./a4c test starts them)");
    var scenario = new Scenario(api);
    String project = scenario.createProject("spread");
    String image = "a4c-test/" + project + ":1";
    var three = fleet.hostIds().subList(0, 3);
    Map<String, String> imageByHost = new HashMap<>();
    for (String host : three) {
      fleet.tag(host, "a4c-base:busybox", image);
      imageByHost.put(host, image);
    }
    scenario.registerImage(project, "amd64", "1", image);
    awaitHeartbeats(api, fleet, imageByHost);
    // Equal disk: fill the lighter hosts up to the heaviest (within 64 MB).
    Map<String, Long> disk = diskByHost(api);
    long heaviest = three.stream().mapToLong(disk::get).max().orElseThrow();
    for (String host : three) {
      int gapMb = (int) ((heaviest - disk.get(host)) / (1024 * 1024));
      if (gapMb > 64) {
        fleet.fillDisk(host, gapMb);
        awaitDiskAbove(api, host, heaviest - 64L * 1024 * 1024);
      }
    }

    int creates = 30;
    List<String> users = new ArrayList<>();
    for (int i = 0; i < creates; i++) {
      users.add(scenario.user("burst" + i));
      api.tokenOf(users.get(i)); // minted before the burst, so the burst is only creates
    }
    var start = new CountDownLatch(1);
    List<Future<ApiClient.Reply>> replies = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(creates)) {
      for (String user : users) {
        replies.add(
            pool.submit(
                () -> {
                  start.await();
                  return scenario.requestWorkspace(user, project, "amd64");
                }));
      }
      start.countDown();
    }
    Map<String, Integer> perHost = new HashMap<>();
    Map<String, String> workspaceOf = new HashMap<>();
    for (int i = 0; i < creates; i++) {
      var reply = replies.get(i).get();
      assertThat(reply.status()).as(reply.body()).isEqualTo(202);
      perHost.merge(reply.at("/hostId"), 1, Integer::sum);
      workspaceOf.put(users.get(i), reply.at("/workspaceId"));
    }

    assertThat(perHost.keySet()).as("workspaces per host: %s", perHost).containsAll(three);
    assertThat(perHost.values())
        .as("workspaces per host: %s", perHost)
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(creates / 2));

    // Placement is what is tested: remove them without waiting for 30 starts on a busy machine.
    workspaceOf.forEach(
        (user, id) -> api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user)));
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                workspaceOf.entrySet().stream()
                    .allMatch(
                        w ->
                            api.get(
                                        "/v1/users/" + w.getKey() + "/workspaces/" + w.getValue(),
                                        api.tokenOf(w.getKey()))
                                    .status()
                                == 404));
  }

  @Test
  void anArchNoHostHasIsA503ThatSaysSoAndWritesNothing(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("armonly");
    scenario.registerImage(project, "arm64", "1", "a4c-base:busybox");
    String erin = scenario.user("erin");

    var reply = scenario.requestWorkspace(erin, project, "arm64");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.contentType()).isEqualTo("application/problem+json");
    assertThat(reply.at("/reason")).isEqualTo("no-host-for-arch");
    assertThat(reply.at("/detail")).contains("arm64");
    assertThat(reply.headers()).containsKey("retry-after");
    assertThat(api.get("/v1/users/" + erin + "/workspaces", api.tokenOf(erin)).json().get("items"))
        .isEmpty();
    assertThat(fleet.containersOf(erin)).isEmpty();
  }

  @Test
  void anImageNoHostHoldsIsA503ThatSaysSoAndWritesNothing(ApiClient api, Fleet fleet) {
    var scenario = new Scenario(api);
    String project = scenario.createProject("noimage");
    scenario.registerImage(project, "amd64", "1", "a4c-test/nowhere-" + project + ":1");
    String frank = scenario.user("frank");

    var reply = scenario.requestWorkspace(frank, project, "amd64");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.at("/reason")).isEqualTo("image-not-on-any-host");
    assertThat(reply.at("/detail")).contains("a4c-test/nowhere-" + project + ":1");
    assertThat(
            api.get("/v1/users/" + frank + "/workspaces", api.tokenOf(frank)).json().get("items"))
        .isEmpty();
    assertThat(fleet.containersOf(frank)).isEmpty();
  }

  private static Map<String, Long> diskByHost(ApiClient api) {
    Map<String, Long> disk = new HashMap<>();
    for (JsonNode host : api.get("/v1/hosts", api.adminToken()).json().get("items")) {
      disk.put(host.get("hostId").asText(), host.get("diskUsedBytes").asLong());
    }
    return disk;
  }

  private static void awaitHeartbeats(ApiClient api, Fleet fleet, Map<String, String> imageByHost) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var hosts = api.get("/v1/hosts", api.adminToken()).json().get("items");
              int seen = 0;
              for (JsonNode host : hosts) {
                String wanted = imageByHost.get(host.get("hostId").asText());
                if (wanted != null
                    && host.get("images").toString().contains("\"" + wanted + "\"")) {
                  seen++;
                }
              }
              return seen == imageByHost.size();
            });
  }

  private static void awaitDiskAbove(ApiClient api, String hostId, long bytes) {
    await().atMost(Duration.ofSeconds(30)).until(() -> diskByHost(api).get(hostId) > bytes);
  }
}
