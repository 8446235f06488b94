package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.ChildRuntimeTest;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat under a build burst still arrives on time (issue 16). At the runtime's own beat and
 * liveness settings — a beat every 5 s, a host DOWN once it has missed 3 — builds fill every
 * builder slot of the fleet, each burning the CPU for longer than the 15 s a host may stay silent.
 * Every host keeps beating within that (no two successive beats it sent further apart), none is
 * marked DOWN, and a workspace asked for while every slot is busy is placed and runs. A heartbeat
 * that waited for a build (a shared thread, client or lock) would be a build's length late.
 */
class HeartbeatUnderBuildBurstTest extends ChildRuntimeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BEAT_SECONDS = 5;
  private static final int DOWN_AFTER_MISSED_BEATS = 3;

  /** Builder slots per host: the runtime's default {@code A4C_BUILD_CONCURRENCY}. */
  private static final int SLOTS_PER_HOST = 2;

  /** A build step that keeps a core busy for longer than a host may stay silent. */
  private static final String BUSY_STEP =
      "end=$(( $(date +%s) + "
          + (BEAT_SECONDS * DOWN_AFTER_MISSED_BEATS + 5)
          + " )); while [ $(date +%s) -lt $end ]; do :; done";

  @Override
  protected Map<String, String> settings() {
    return Map.of(
        LocalEnv.HEARTBEAT_SECONDS, Integer.toString(BEAT_SECONDS),
        LocalEnv.HOST_DOWN_AFTER_MISSED_BEATS, Integer.toString(DOWN_AFTER_MISSED_BEATS));
  }

  @Test
  void everyHostKeepsBeatingAndTakesWorkspacesWhileBuildsFillEverySlot() throws Exception {
    var api = ApiClient.overHttp(runtime.baseUri());
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String project = scenario.createGitProject("burst", repo, BUSY_STEP);
    String workspaces = scenario.createProject("burst-ws");
    scenario.registerImage(workspaces, "amd64", "1", "a4c-base:busybox");

    int slots = fleet.hostIds().size() * SLOTS_PER_HOST;
    Map<String, String> builds = new HashMap<>(); // schedule id -> its user
    for (int i = 0; i < slots; i++) {
      String user = user(scenario, "burst" + i);
      String change = repo.commit("build-" + i, i + "\n").substring(0, 12);
      builds.put(scenario.scheduleBuild(user, project, change).at("/scheduleId"), user);
    }

    Map<String, Instant> lastBeat = new HashMap<>();
    Map<String, Duration> longestGap = new HashMap<>();
    Set<String> statusesSeen = new HashSet<>();
    int mostInProgress = 0;
    String workspaceId = null;
    String workspaceUser = user(scenario, "dev");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      for (JsonNode host :
          JSON.readTree(api.get("/v1/hosts", api.adminToken()).body()).get("items")) {
        String id = host.get("hostId").asText();
        statusesSeen.add(id + " " + host.get("status").asText());
        Instant sent = Instant.parse(host.get("lastHeartbeatAt").asText());
        Instant before = lastBeat.put(id, sent);
        if (before != null && sent.isAfter(before)) {
          longestGap.merge(
              id, Duration.between(before, sent), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
      }
      Map<String, Integer> statuses = new HashMap<>();
      for (var build : builds.entrySet()) {
        String status =
            api.get(
                    "/v1/users/" + build.getValue() + "/image-schedules/" + build.getKey(),
                    api.tokenOf(build.getValue()))
                .at("/status");
        assertThat(status).as("build %s", build.getKey()).isNotIn("FAILED", "CANCELLED");
        statuses.merge(status, 1, Integer::sum);
      }
      int inProgress = statuses.getOrDefault("IN_PROGRESS", 0);
      mostInProgress = Math.max(mostInProgress, inProgress);
      if (workspaceId == null && inProgress == slots) {
        // Every slot busy: a host beside the builds is still live for placement.
        var created = scenario.requestWorkspace(workspaceUser, workspaces, "amd64");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        workspaceId = created.at("/workspaceId");
      }
      if (statuses.getOrDefault("COMPLETED", 0) == slots) {
        break;
      }
      assertThat(System.nanoTime()).as("the burst ends within 5 minutes").isLessThan(deadline);
      Thread.sleep(250);
    }

    assertThat(mostInProgress)
        .as("builds running at once: every slot of the fleet")
        .isEqualTo(slots);
    assertThat(workspaceId).as("a workspace asked for while every slot was busy").isNotNull();
    scenario.awaitState(workspaceUser, workspaceId, "RUNNING");
    Duration silentAtMost = Duration.ofSeconds((long) BEAT_SECONDS * DOWN_AFTER_MISSED_BEATS);
    assertThat(longestGap.keySet())
        .as("hosts seen beating during the burst")
        .containsExactlyInAnyOrderElementsOf(fleet.hostIds());
    longestGap.forEach(
        (hostId, gap) ->
            assertThat(gap)
                .as("%s's longest gap between two beats during the burst", hostId)
                .isLessThan(silentAtMost));
    assertThat(statusesSeen)
        .as("host statuses seen during the burst")
        .noneMatch(s -> s.endsWith(" DOWN"));
  }
}
