package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.ChildRuntimeTest;
import io.a4c.local.testing.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A create slower than the stuck deadline is not taken for a lost one. Its host's daemon lists the
 * workspaces whose commands it has in hand in every heartbeat ({@code workingOn} in {@code GET
 * /v1/hosts}), and the sweeper leaves those to their live host: the create is never sent again, and
 * never failed for being slow. Before, a busy host's slow creates were sent again at each deadline
 * and failed at the third (WarmPoolTest's burst of 20 creates, 2026-12-04).
 */
class SlowCreateTest extends ChildRuntimeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The stuck deadline: the setup below takes 2.5 of them, within the 4 a host's work is left; long
   * enough that a beat (every second here) is applied within it on a loaded machine.
   */
  private static final int STUCK_AFTER_SECONDS = 6;

  @Override
  protected Map<String, String> settings() {
    return Map.of(LocalEnv.STUCK_AFTER_SECONDS, Integer.toString(STUCK_AFTER_SECONDS));
  }

  @Test
  void aCreateSlowerThanTheStuckDeadlineIsLeftToItsHostAndRuns() throws IOException {
    var api = ApiClient.overHttp(runtime.baseUri());
    var scenario = new Scenario(api);
    String project = scenario.createProject("slow", "sleep " + (STUCK_AFTER_SECONDS * 5 / 2));
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String user = user(scenario, "slow");
    var accepted = scenario.requestWorkspace(user, project, "amd64");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.at("/workspaceId");

    // While its setup runs, its host says it has the create in hand.
    await()
        .atMost(Duration.ofSeconds(STUCK_AFTER_SECONDS * 2L))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> workingOn(api).contains(id));
    var running = scenario.awaitState(user, id, "RUNNING");

    assertThat(running.at("/ip")).isNotBlank();
    List<String> log = Files.readAllLines(runtime.dataDir().resolve("child-1.log"));
    assertThat(log)
        .filteredOn(line -> line.contains(id))
        .as("the sweeper's lines about the create")
        .anySatisfy(line -> assertThat(line).contains("left to its host"))
        .noneSatisfy(line -> assertThat(line).contains("stuck workspace swept"));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !workingOn(api).contains(id));
  }

  /** Every workspace id the hosts' last heartbeats list as in hand. */
  private static List<String> workingOn(ApiClient api) throws IOException {
    JsonNode hosts = JSON.readTree(api.get("/v1/hosts", api.adminToken()).body()).get("items");
    return hosts.findValues("workingOn").stream()
        .flatMap(list -> StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText))
        .toList();
  }
}
