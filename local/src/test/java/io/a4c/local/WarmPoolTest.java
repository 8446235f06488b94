package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Warm pools (issue 16, point 3) over HTTP against real engines: a project's pool is filled with
 * running containers; creates take them (20 at once, none twice) and get containers that ran before
 * they asked; the pool refills; a new image replaces it; a pool no longer wanted is removed; and a
 * pooled workspace takes its user's SSH key like any other.
 */
@ExtendWith(SharedRuntime.class)
class WarmPoolTest {
  @TempDir Path dir;

  /**
   * Puts {@code project} again, its image and setup as {@link Scenario#createProject} made them.
   */
  private static void setPool(ApiClient api, String project, String baseImage, int size) {
    var reply =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://git.example.com/%s.git"},
             "baseImage": "%s", "tools": ["curl"], "parents": ["main"], "setup": [],
             "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128},
             "warmPool": {"size": %d}}
            """
                .formatted(project, baseImage, size));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  /** A member's container and its host. */
  private record Member(String hostId, Container container) {
    String id() {
      return container.getId();
    }
  }

  /** The running, unclaimed members of the project's amd64 pool of parent main on every host. */
  private static List<Member> members(Fleet fleet, String project) {
    List<Member> all = new ArrayList<>();
    for (String hostId : fleet.hostIds()) {
      members(fleet, hostId, project).forEach(c -> all.add(new Member(hostId, c)));
    }
    return all;
  }

  /**
   * Every container of the project's amd64 pool of parent main on {@code hostId}: running or not,
   * claimed or not (a claimed member keeps its labels).
   */
  private static List<Container> poolContainers(Fleet fleet, String hostId, String project) {
    return fleet
        .docker(hostId)
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of("io.a4c.pool", project + "#main#amd64", "io.a4c.user-id", "a4c.pool"))
        .exec();
  }

  /** The running, unclaimed members of the project's pool on {@code hostId}. */
  private static List<Container> members(Fleet fleet, String hostId, String project) {
    return poolContainers(fleet, hostId, project).stream()
        .filter(c -> "running".equals(c.getState()))
        .filter(c -> unclaimed(fleet, hostId, c))
        .toList();
  }

  /**
   * Whether the running member has no owner yet; one the sweep drains or replaces between the
   * listing and this look (stopped, being removed or removed meanwhile) is no member.
   */
  private static boolean unclaimed(Fleet fleet, String hostId, Container container) {
    try {
      return fleet
          .exec(hostId, container.getId(), "sh", "-c", "cat /etc/a4c/owner 2>/dev/null")
          .isBlank();
    } catch (ConflictException | NotFoundException e) {
      return false;
    } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
      // The engine answers 500 "is not running: Removal In Progress" for a member being removed.
      if (e.getMessage() != null && e.getMessage().contains("is not running")) {
        return false;
      }
      throw e;
    }
  }

  private static List<Member> awaitMembers(
      LocalRuntime runtime, Fleet fleet, String project, int size, String imageRef) {
    // Listed and checked afresh at each look: under load a member's host can take longer than the
    // shared runtime's stuck-after (20 s) to report it made, and the sweep then drains it and
    // places another, so the members one look finds need not be the ones that become ready.
    List<Member> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              var running = members(fleet, project);
              if (running.size() != size
                  || !running.stream()
                      .allMatch(
                          m ->
                              imageRef.equals(m.container().getLabels().get("io.a4c.image-ref")))) {
                return false;
              }
              // A running member is claimable once its ready report is applied; the API does not
              // show members, so their records are read.
              if (!readyContainers(runtime, project).containsAll(ids(running))) {
                return false;
              }
              found.addAll(running);
              return true;
            });
    return found;
  }

  private static Set<String> ids(List<Member> members) {
    Set<String> ids = new HashSet<>();
    members.forEach(m -> ids.add(m.container().getId()));
    return ids;
  }

  /** The containers of the project's amd64 pool of parent main whose records are READY. */
  private static Set<String> readyContainers(LocalRuntime runtime, String project) {
    Set<String> ready = new HashSet<>();
    try (var dynamo = runtime.newDynamoDbClient()) {
      for (var item :
          dynamo
              .queryPaginator(
                  b ->
                      b.tableName(LocalTables.WORKSPACES)
                          .consistentRead(true)
                          .keyConditionExpression("userId = :pool")
                          .expressionAttributeValues(
                              Map.of(
                                  ":pool",
                                  AttributeValue.fromS("#pool#" + project + "#main#amd64"))))
              .items()) {
        var state = item.get("state");
        var container = item.get("containerId");
        if (state != null && "READY".equals(state.s()) && container != null) {
          ready.add(container.s());
        }
      }
    }
    return ready;
  }

  @Test
  void twentyConcurrentCreatesTakeRunningMembersNoneTwiceAndThePoolRefillsIsReplacedAndRemoved(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("pool");
    String image = "a4c-test/" + project + ":1";
    // On every host: the creates the pool cannot serve are placed over the fleet.
    for (String hostId : fleet.hostIds()) {
      fleet.tag(hostId, "a4c-base:busybox", image);
    }
    scenario.registerImage(project, "amd64", "1", image);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/hosts", api.adminToken()).body().contains(image));
    List<ApiClient.Reply> replies = new ArrayList<>();
    try {
      poolTakesTwentyCreates(api, fleet, runtime, scenario, project, image, replies);
    } finally {
      // Even after a failure: the pool and the workspaces leave the hosts' slots to other tests,
      // before the next test counts them.
      setPool(api, project, "a4c-base:busybox", 0);
      for (var reply : replies) {
        if (reply.status() == 202) {
          api.delete(
              "/v1/users/" + reply.at("/userId") + "/workspaces/" + reply.at("/workspaceId"),
              api.tokenOf(reply.at("/userId")));
        }
      }
      for (var reply : replies) {
        if (reply.status() == 202) {
          scenario.awaitGone(reply.at("/userId"), reply.at("/workspaceId"));
        }
      }
      awaitPoolGone(fleet, project);
    }
  }

  /** Waits until no container of the project's pool is left on any host. */
  private static void awaitPoolGone(Fleet fleet, String project) {
    for (String hostId : fleet.hostIds()) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> poolContainers(fleet, hostId, project).isEmpty());
    }
  }

  private void poolTakesTwentyCreates(
      ApiClient api,
      Fleet fleet,
      LocalRuntime runtime,
      Scenario scenario,
      String project,
      String image,
      List<ApiClient.Reply> replies)
      throws Exception {
    setPool(api, project, "a4c-base:busybox", 3);
    var before = awaitMembers(runtime, fleet, project, 3, image);
    Map<String, Member> memberContainers = new HashMap<>();
    for (Member member : before) {
      memberContainers.put(member.container().getLabels().get("io.a4c.workspace-id"), member);
    }
    Instant asked = Instant.now();

    List<Callable<ApiClient.Reply>> creates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String user = scenario.user("pool" + i);
      creates.add(() -> scenario.requestWorkspace(user, project, "amd64"));
    }
    try (var pool = Executors.newFixedThreadPool(20)) {
      for (var future : pool.invokeAll(creates)) {
        replies.add(future.get());
      }
    }

    List<String> pooled = new ArrayList<>();
    List<String> containers = new ArrayList<>();
    for (var reply : replies) {
      assertThat(reply.status()).as(reply.body()).isEqualTo(202);
      var running = scenario.awaitState(reply.at("/userId"), reply.at("/workspaceId"), "RUNNING");
      containers.add(running.at("/containerId"));
      Member member = memberContainers.get(running.at("/workspaceId"));
      if (member != null) {
        pooled.add(running.at("/workspaceId"));
        // The very container that was running before the request.
        assertThat(running.at("/containerId")).isEqualTo(member.id());
        var started =
            fleet
                .docker(member.hostId())
                .inspectContainerCmd(member.id())
                .exec()
                .getState()
                .getStartedAt();
        assertThat(Instant.parse(started)).isBefore(asked);
        assertThat(fleet.exec(member.hostId(), member.id(), "cat", "/etc/a4c/owner").strip())
            .isEqualTo(reply.at("/userId"));
      }
    }
    assertThat(pooled).hasSize(3);
    assertThat(containers).doesNotHaveDuplicates().hasSize(20);

    // The pool refills with new members.
    var refilled = awaitMembers(runtime, fleet, project, 3, image);
    assertThat(refilled)
        .extracting(Member::id)
        .doesNotContainAnyElementsOf(memberContainers.values().stream().map(Member::id).toList());

    // A new default image replaces every member.
    String newer = "a4c-test/" + project + ":2";
    for (String hostId : fleet.hostIds()) {
      fleet.tag(hostId, "a4c-base:busybox", newer);
    }
    scenario.registerImage(project, "amd64", "2", newer);
    awaitMembers(runtime, fleet, project, 3, newer);
    for (Member old : refilled) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  fleet
                      .docker(old.hostId())
                      .listContainersCmd()
                      .withShowAll(true)
                      .withIdFilter(List.of(old.id()))
                      .exec()
                      .isEmpty());
    }

    // A pool its project no longer keeps is removed, containers and homes.
    setPool(api, project, "a4c-base:busybox", 0);
    for (String hostId : fleet.hostIds()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  poolContainers(fleet, hostId, project).stream()
                      .allMatch(
                          c ->
                              memberContainers.containsKey(
                                  c.getLabels().get("io.a4c.workspace-id"))));
    }
  }

  @Test
  void aPooledWorkspaceLetsItsUserInWithTheirKeyAndNobodyElse(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String project = SshAccessTest.sourcesProject(scenario, fleet, "h1", "pool-ssh");
    String user = scenario.user("dev");
    var own = SshAccessTest.developer(dir, api, user, "laptop");
    var other = SshAccessTest.developer(dir, api, scenario.user("other"), "laptop");
    setPool(api, project, "a4c-base:busybox", 1);
    try {
      aPooledWorkspaceTakesTheKey(api, fleet, runtime, scenario, project, user, own, other);
    } finally {
      setPool(api, project, "a4c-base:busybox", 0);
      awaitPoolGone(fleet, project);
    }
  }

  private static void aPooledWorkspaceTakesTheKey(
      ApiClient api,
      Fleet fleet,
      LocalRuntime runtime,
      Scenario scenario,
      String project,
      String user,
      io.a4c.local.testing.SshClient own,
      io.a4c.local.testing.SshClient other) {
    var member = awaitMembers(runtime, fleet, project, 1, "a4c-test/" + project + ":1").getFirst();

    var running = scenario.createRunning(user, project);

    assertThat(running.at("/containerId")).isEqualTo(member.id());
    String login = running.at("/ssh/user");
    String host = running.at("/ssh/host");
    String ip = running.at("/ip");
    assertThat(host).isEqualTo(running.at("/hostname"));
    assertThat(fleet.exec(member.hostId(), member.id(), "hostname").strip())
        .isEqualTo(running.at("/workspaceId"));
    var session = own.run(login, host, ip, "id -un; cd /src && ls && touch mine && pwd");
    assertThat(session.ok()).as(session.output()).isTrue();
    assertThat(session.output().lines().toList()).containsSubsequence(login, "main.c", "/src");
    assertThat(own.run(login, host, ip, "stat -c '%U' ~").output().strip()).isEqualTo(login);
    var refused = other.run(login, host, ip, "true");
    assertThat(refused.ok()).as(refused.output()).isFalse();

    String id = running.at("/workspaceId");
    api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
    scenario.awaitGone(user, id);
  }
}
