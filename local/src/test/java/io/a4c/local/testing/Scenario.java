package io.a4c.local.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

/**
 * Test data with names of its own, so tests sharing one runtime never see each other's: a project,
 * its image, users.
 */
public final class Scenario {
  /** Every user a scenario made in this run: their containers are removed at the end. */
  static final java.util.Set<String> USERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final ApiClient api;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  public Scenario(ApiClient api) {
    this.api = api;
  }

  /** The client this scenario sends through. */
  public ApiClient api() {
    return api;
  }

  /** A user id unique to this scenario. */
  public String user(String name) {
    String user = name + "-" + suffix;
    USERS.add(user);
    return user;
  }

  /** A project name unique to this scenario. */
  public String project(String name) {
    return name + "-" + suffix;
  }

  /** Creates a project with one parent, {@code main}, and the given setup commands. */
  public String createProject(String name, String... setup) {
    String project = project(name);
    var setupJson = new StringBuilder("[");
    for (int i = 0; i < setup.length; i++) {
      setupJson
          .append(i == 0 ? "" : ",")
          .append('"')
          .append(setup[i].replace("\"", "\\\""))
          .append('"');
    }
    setupJson.append(']');
    var reply =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://git.example.com/%s.git"},
             "baseImage": "a4c-base:busybox", "tools": ["curl"], "parents": ["main"], "setup": %s,
             "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128}}
            """
                .formatted(project, setupJson));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return project;
  }

  /**
   * Puts {@code project} (made by {@link #createProject} without setup) again with {@code
   * lifecycleJson} as its {@code lifecycle}.
   */
  public void setLifecycle(String project, String lifecycleJson) {
    var reply =
        api.put(
            "/v1/projects/" + project,
            api.adminToken(),
            """
            {"source": {"type": "git", "url": "https://git.example.com/%s.git"},
             "baseImage": "a4c-base:busybox", "tools": ["curl"], "parents": ["main"], "setup": [],
             "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128}, "lifecycle": %s}
            """
                .formatted(project, lifecycleJson));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  /**
   * Creates a git project whose sources are {@code repo}, built on busybox with the given setup
   * steps.
   */
  public String createGitProject(String name, GitRepo repo, String... setup) {
    String project = project(name);
    var reply =
        api.put("/v1/projects/" + project, api.adminToken(), gitProjectJson(repo, "[]", setup));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return project;
  }

  /**
   * A git project's configuration as JSON, with extra fields appended ({@code "recurringBuilds":
   * …}).
   */
  public static String gitProjectJson(GitRepo repo, String recurringBuilds, String... setup) {
    var setupJson = new StringBuilder("[");
    for (int i = 0; i < setup.length; i++) {
      setupJson
          .append(i == 0 ? "" : ",")
          .append('"')
          .append(setup[i].replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    setupJson.append(']');
    return """
        {"source": {"type": "git", "url": "%s"},
         "baseImage": "a4c-base:busybox", "tools": [], "parents": ["main"], "setup": %s,
         "workspaceSize": {"cpus": 0.5, "memoryMb": 128, "pids": 128},
         "recurringBuilds": %s}
        """
        .formatted(repo.url(), setupJson, recurringBuilds);
  }

  /**
   * Schedules a build of the project's main at {@code change}, for the default arch (amd64);
   * returns the 202 reply.
   */
  public ApiClient.Reply scheduleBuild(String user, String project, String change) {
    return scheduleBuild(user, project, change, "amd64");
  }

  /**
   * Schedules a build of the project's main at {@code change} for {@code arch}; returns the 202
   * reply.
   */
  public ApiClient.Reply scheduleBuild(String user, String project, String change, String arch) {
    var reply =
        api.post(
            "/v1/users/" + user + "/image-schedules",
            api.tokenOf(user),
            """
            {"imageName": "test-image", "project": "%s", "change": "%s", "arch": "%s"}
            """
                .formatted(project, change, arch));
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply;
  }

  /** Waits until the build reaches {@code status}; fails early if it ended otherwise. */
  public ApiClient.Reply awaitBuild(String user, String scheduleId, String status) {
    String path = "/v1/users/" + user + "/image-schedules/" + scheduleId;
    return await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              var reply = api.get(path, api.tokenOf(user));
              String now = reply.at("/status");
              if (!now.equals(status)
                  && java.util.List.of("COMPLETED", "FAILED", "CANCELLED").contains(now)) {
                throw new AssertionError(
                    "build ended " + now + " instead of " + status + ": " + reply.body());
              }
              return reply;
            },
            reply -> status.equals(reply.at("/status")));
  }

  /**
   * Cancels the user's builds still SCHEDULED. A test that paused the builders calls it before it
   * resumes them, so that no build of its own runs — and counts — in a later test's window.
   */
  public void cancelWaitingBuilds(String user) {
    String path = "/v1/users/" + user + "/image-schedules";
    for (var build : api.get(path + "?limit=100", api.tokenOf(user)).json().path("items")) {
      if ("SCHEDULED".equals(build.path("status").asText())) {
        api.delete(path + "/" + build.path("scheduleId").asText(), api.tokenOf(user));
      }
    }
  }

  /** The address build emails of a scenario user go to locally. */
  public static String emailOf(String user) {
    return user + "@users.a4c.local";
  }

  /** Registers {@code imageRef} as the project's image of parent main for an arch. */
  public void registerImage(String project, String arch, String change, String imageRef) {
    var reply =
        api.post(
            "/v1/projects/" + project + "/images",
            api.adminToken(),
            """
            {"parentName": "main", "arch": "%s", "change": "%s", "imageRef": "%s"}
            """
                .formatted(arch, change, imageRef));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  /** Asks for a workspace of the project; returns the reply. */
  public ApiClient.Reply requestWorkspace(String user, String project, String arch) {
    return api.post(
        "/v1/users/" + user + "/workspaces",
        api.tokenOf(user),
        """
        {"projectName": "%s", "parentName": "main", "arch": "%s"}
        """
            .formatted(project, arch));
  }

  /** Creates a workspace and waits until it is RUNNING; returns its final view. */
  public ApiClient.Reply createRunning(String user, String project) {
    var created = requestWorkspace(user, project, "amd64");
    assertThat(created.status()).as(created.body()).isEqualTo(202);
    String id = created.at("/workspaceId");
    return awaitState(user, id, "RUNNING");
  }

  /** Waits until the workspace reaches {@code state}; fails early if it FAILED instead. */
  public ApiClient.Reply awaitState(String user, String workspaceId, String state) {
    String path = "/v1/users/" + user + "/workspaces/" + workspaceId;
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var reply = api.get(path, api.tokenOf(user));
              if (!state.equals("FAILED")) {
                assertThat(reply.at("/state")).as(reply.body()).isNotEqualTo("FAILED");
              }
              return reply;
            },
            reply -> state.equals(reply.at("/state")));
  }

  /** Waits until the workspace record is gone (404). */
  /** Waits until none of {@code workspaceIds} is there, all within {@code within}. */
  public void awaitAllGone(
      String user, java.util.Collection<String> workspaceIds, Duration within) {
    String path = "/v1/users/" + user + "/workspaces/";
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                workspaceIds.stream()
                    .allMatch(id -> api.get(path + id, api.tokenOf(user)).status() == 404));
  }

  public void awaitGone(String user, String workspaceId) {
    String path = "/v1/users/" + user + "/workspaces/" + workspaceId;
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> api.get(path, api.tokenOf(user)).status() == 404);
  }
}
