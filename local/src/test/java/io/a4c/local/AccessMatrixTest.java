package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.a4c.events.Arch;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route × {owner, other user, admin, no token, bad token} → the status it must answer.
 *
 * <p>The routes come from docs/openapi.yaml and from {@link ApiRoutes#ALL} (what the gateway
 * serves), and each must be in both; a route with no sample request here fails the test, so a new
 * route cannot be forgotten. Rules: a route under {@code /v1/users/{userId}} is the user's — their
 * own gets the route's success status, anyone else's a 404 (no existence leak), an admin the
 * success status — except the SSH keys, which act as the user: an admin gets 403 there; any other
 * route is the admins' — 403 for users — except the CA's known_hosts line and the project listing,
 * which anyone signed in may read. No token or a bad one is always a 401.
 */
@ExtendWith(SharedRuntime.class)
class AccessMatrixTest {
  /** The roles a request can be made as. */
  enum Role {
    OWNER,
    OTHER_USER,
    ADMIN,
    NO_TOKEN,
    BAD_TOKEN
  }

  /**
   * A request that succeeds for someone allowed to make it.
   *
   * @param path with the fixture's values in place of the parameters
   * @param body a JSON body, or null
   * @param success the status an allowed caller gets
   */
  record Sample(String path, Supplier<String> body, int success) {}

  /**
   * The routes the OpenAPI document declares, as {@code METHOD /path} keys; empty when it has none.
   */
  static Set<String> openApiRoutes() throws Exception {
    Path doc = Path.of("..", "docs", "openapi.yaml");
    if (!Files.exists(doc)) {
      doc = Path.of("docs", "openapi.yaml");
    }
    Set<String> routes = new LinkedHashSet<>();
    if (!Files.exists(doc)) {
      return routes;
    }
    JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(doc.toFile()).path("paths");
    paths
        .fieldNames()
        .forEachRemaining(
            path ->
                paths
                    .get(path)
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                            routes.add(method.toUpperCase() + " " + path);
                          }
                        }));
    return routes;
  }

  /** Local-only routes of the gateway, outside the API proper. */
  private static final Set<String> LOCAL_ONLY = Set.of("GET /healthz", "POST /local/tokens");

  @Test
  void theOpenApiDocumentAndTheRouteTableNameTheSameRoutes() throws Exception {
    Set<String> documented = openApiRoutes();
    documented.removeAll(LOCAL_ONLY);
    Set<String> served =
        new LinkedHashSet<>(ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).toList());
    if (!documented.isEmpty()) {
      assertThat(documented)
          .as("routes in docs/openapi.yaml")
          .containsExactlyInAnyOrderElementsOf(served);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRouteAnswersEveryRoleAsItMust(
      ApiClient api, Fleet fleet, LocalRuntime runtime) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("matrix");
    // Room for the samples' workspaces: every allowed POST, DELETE, rebuild makes one.
    assertThat(
            api.put(
                    "/v1/projects/" + project,
                    api.adminToken(),
                    """
                    {"source": {"type": "git", "url": "https://git.example.com/m.git"},
                     "baseImage": "a4c-base:busybox", "tools": [], "parents": ["main"],
                     "setup": [], "quotas": {"maxWorkspacesPerUser": 40}}""")
                .status())
        .isEqualTo(200);
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    String owner = scenario.user("owner");
    String other = scenario.user("other");
    String hostId = fleet.hostIds().get(0);
    String createBody =
        "{\"projectName\": \"" + project + "\", \"parentName\": \"main\", \"arch\": \"amd64\"}";
    String readable = scenario.requestWorkspace(owner, project, "amd64").at("/workspaceId");
    List<String> made = new ArrayList<>(List.of(readable));
    // DELETE succeeds once per workspace: each allowed role deletes a fresh one.
    Supplier<String> deletable =
        () -> {
          String id = scenario.requestWorkspace(owner, project, "amd64").at("/workspaceId");
          made.add(id);
          return id;
        };
    // Image schedules: one build that ended (it has a log), then builders paused so that the
    // samples' builds stay SCHEDULED (cancellable) until the clean-up resumes them.
    var repo = GitRepo.create();
    String change = repo.commit("README", "matrix\n").substring(0, 12);
    String buildProject = scenario.project("matrix-build");
    // Every role's DELETE sample schedules a build, and only the allowed ones cancel theirs.
    String buildProjectBody =
        Scenario.gitProjectJson(repo, "[]", "exit 1")
            .replace(
                "\"recurringBuilds\"",
                "\"quotas\": {\"maxBuildsInFlightPerUser\": 100}, \"recurringBuilds\"");
    assertThat(api.put("/v1/projects/" + buildProject, api.adminToken(), buildProjectBody).status())
        .isEqualTo(200);
    String ended = scenario.scheduleBuild(owner, buildProject, change).at("/scheduleId");
    scenario.awaitBuild(owner, ended, "FAILED");
    for (var builder : runtime.builders()) {
      builder.pause();
    }
    String buildBody =
        "{\"imageName\": \"matrix\", \"project\": \""
            + buildProject
            + "\", \"change\": \""
            + change
            + "\"}";
    String waiting = scenario.scheduleBuild(owner, buildProject, change).at("/scheduleId");
    Supplier<String> cancellable =
        () -> scenario.scheduleBuild(owner, buildProject, change).at("/scheduleId");
    String schedules = "/v1/users/" + owner + "/image-schedules";
    String projectBody =
        """
        {"source": {"type": "git", "url": "https://git.example.com/m.git"}, "baseImage": "a4c-base:busybox",
         "tools": [], "parents": ["main"], "setup": []}""";

    // SSH keys: every allowed PUT makes a key of a new name (201); every DELETE removes one the
    // owner registered for it.
    String sshKeys = "/v1/users/" + owner + "/ssh-keys";
    String keyBody = SshKeysApiTest.body(SshKeysApiTest.ED25519);
    var keyNames = new java.util.concurrent.atomic.AtomicInteger();
    Supplier<String> registeredKey =
        () -> {
          String name = "matrix-" + keyNames.incrementAndGet();
          assertThat(api.put(sshKeys + "/" + name, api.tokenOf(owner), keyBody).status())
              .isEqualTo(201);
          return name;
        };

    // Stop and start answer 202 again for what is under way or done; a rebuild takes a fresh
    // RUNNING workspace each time (a second one while REBUILDING is a 409).
    Supplier<String> running =
        () -> {
          String id = scenario.createRunning(owner, project).at("/workspaceId");
          made.add(id);
          return id;
        };
    String stoppable = running.get();
    String startable = running.get();
    api.post("/v1/users/" + owner + "/workspaces/" + startable + "/stop", api.tokenOf(owner), "");
    scenario.awaitState(owner, startable, "STOPPED");
    String ownWorkspaces = "/v1/users/" + owner + "/workspaces/";

    Map<String, Supplier<Sample>> samples =
        Map.ofEntries(
            Map.entry(
                "POST " + ApiRoutes.WORKSPACE_STOP,
                () -> new Sample(ownWorkspaces + stoppable + "/stop", null, 202)),
            Map.entry(
                "POST " + ApiRoutes.WORKSPACE_START,
                () -> new Sample(ownWorkspaces + startable + "/start", null, 202)),
            Map.entry(
                "POST " + ApiRoutes.WORKSPACE_REBUILD,
                () -> new Sample(ownWorkspaces + running.get() + "/rebuild", null, 202)),
            Map.entry(
                "POST " + ApiRoutes.WORKSPACES,
                () -> new Sample("/v1/users/" + owner + "/workspaces", () -> createBody, 202)),
            Map.entry(
                "GET " + ApiRoutes.WORKSPACES,
                () -> new Sample("/v1/users/" + owner + "/workspaces", null, 200)),
            Map.entry(
                "GET " + ApiRoutes.WORKSPACE,
                () -> new Sample("/v1/users/" + owner + "/workspaces/" + readable, null, 200)),
            Map.entry(
                "DELETE " + ApiRoutes.WORKSPACE,
                () ->
                    new Sample("/v1/users/" + owner + "/workspaces/" + deletable.get(), null, 202)),
            Map.entry(
                "PUT " + ApiRoutes.PROJECT,
                () ->
                    new Sample(
                        "/v1/projects/" + scenario.project("matrix-put"), () -> projectBody, 200)),
            Map.entry(
                "GET " + ApiRoutes.PROJECT, () -> new Sample("/v1/projects/" + project, null, 200)),
            Map.entry(
                "GET " + ApiRoutes.PROJECT_IMAGES,
                () -> new Sample("/v1/projects/" + project + "/images", null, 200)),
            Map.entry(
                "POST " + ApiRoutes.PROJECT_IMAGES,
                () ->
                    new Sample(
                        "/v1/projects/" + project + "/images",
                        () ->
                            "{\"parentName\": \"main\", \"arch\": \"amd64\", \"change\": \"2\", \"imageRef\": \"a4c-base:busybox\"}",
                        201)),
            Map.entry("GET " + ApiRoutes.HOSTS, () -> new Sample("/v1/hosts", null, 200)),
            Map.entry(
                "PUT " + ApiRoutes.HOST_STATUS,
                () ->
                    new Sample(
                        "/v1/hosts/" + hostId + "/status", () -> "{\"status\": \"ACTIVE\"}", 200)),
            Map.entry("GET " + ApiRoutes.AUDIT, () -> new Sample("/v1/audit?limit=5", null, 200)),
            Map.entry(
                "POST " + ApiRoutes.IMAGE_SCHEDULES,
                () -> new Sample(schedules, () -> buildBody, 202)),
            Map.entry("GET " + ApiRoutes.IMAGE_SCHEDULES, () -> new Sample(schedules, null, 200)),
            Map.entry(
                "GET " + ApiRoutes.IMAGE_SCHEDULE,
                () -> new Sample(schedules + "/" + waiting, null, 200)),
            Map.entry(
                "DELETE " + ApiRoutes.IMAGE_SCHEDULE,
                () -> new Sample(schedules + "/" + cancellable.get(), null, 200)),
            Map.entry(
                "GET " + ApiRoutes.IMAGE_SCHEDULE_LOG,
                () -> new Sample(schedules + "/" + ended + "/log", null, 200)),
            Map.entry(
                "GET " + ApiRoutes.RECURRING_BUILDS,
                () -> new Sample("/v1/recurring-builds", null, 200)),
            Map.entry(
                "PUT " + ApiRoutes.RECURRING_BUILDS,
                () -> new Sample("/v1/recurring-builds", () -> "{\"paused\": false}", 200)),
            Map.entry(
                "GET " + ApiRoutes.BUILD_QUEUE, () -> new Sample(ApiRoutes.BUILD_QUEUE, null, 200)),
            Map.entry("GET " + ApiRoutes.SSH_KEYS, () -> new Sample(sshKeys, null, 200)),
            Map.entry(
                "GET " + ApiRoutes.KNOWN_HOSTS, () -> new Sample(ApiRoutes.KNOWN_HOSTS, null, 200)),
            Map.entry("GET " + ApiRoutes.PROJECTS, () -> new Sample(ApiRoutes.PROJECTS, null, 200)),
            Map.entry(
                "PUT " + ApiRoutes.SSH_KEY,
                () ->
                    new Sample(
                        sshKeys + "/matrix-" + keyNames.incrementAndGet(), () -> keyBody, 201)),
            Map.entry(
                "DELETE " + ApiRoutes.SSH_KEY,
                () -> new Sample(sshKeys + "/" + registeredKey.get(), null, 204)));

    Set<String> routes =
        new LinkedHashSet<>(ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).toList());
    routes.addAll(openApiRoutes());
    routes.removeAll(LOCAL_ONLY);
    String badToken = forgedAdminToken(owner);
    List<DynamicTest> tests = new ArrayList<>();
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String template = route.substring(route.indexOf(' ') + 1);
      boolean usersOwn = template.startsWith("/v1/users/{userId}");
      // A user's SSH keys act as the user: not even an admin may touch them.
      boolean selfOnly = template.startsWith(ApiRoutes.SSH_KEYS);
      // The CA's known_hosts line and the project listing hold no secret: any signed-in caller.
      boolean anyone =
          route.equals("GET " + ApiRoutes.KNOWN_HOSTS) || route.equals("GET " + ApiRoutes.PROJECTS);
      for (Role role : Role.values()) {
        tests.add(
            dynamicTest(
                route + " as " + role,
                () -> {
                  assertThat(samples)
                      .as("a sample request for " + route + " in AccessMatrixTest")
                      .containsKey(route);
                  Sample sample = samples.get(route).get();
                  String token =
                      switch (role) {
                        case OWNER -> api.tokenOf(owner);
                        case OTHER_USER -> api.tokenOf(other);
                        case ADMIN -> api.adminToken();
                        case NO_TOKEN -> null;
                        case BAD_TOKEN -> badToken;
                      };
                  int expected =
                      switch (role) {
                        case NO_TOKEN, BAD_TOKEN -> 401;
                        case ADMIN -> selfOnly ? 403 : sample.success();
                        case OWNER -> usersOwn || anyone ? sample.success() : 403;
                        case OTHER_USER -> anyone ? sample.success() : usersOwn ? 404 : 403;
                      };
                  String body = sample.body() == null ? null : sample.body().get();
                  var reply = api.send(method, sample.path(), token, body, "application/json");
                  assertThat(reply.status())
                      .as(route + " as " + role + ": " + reply.body())
                      .isEqualTo(expected);
                  if (expected >= 400) {
                    assertThat(reply.contentType()).isEqualTo("application/problem+json");
                  }
                }));
      }
    }
    tests.add(
        dynamicTest(
            "clean up",
            () -> {
              // The samples' waiting builds end here, not in a later test's window: cancelled and
              // their jobs dropped while the builders are paused; the probe's close resumes them.
              scenario.cancelWaitingBuilds(owner);
              try (var probe = new BuildQueueProbe(runtime)) {
                probe.purge(Arch.AMD64);
              }
              Set<String> left = new LinkedHashSet<>(made);
              for (var reply :
                  api.get("/v1/users/" + owner + "/workspaces", api.tokenOf(owner))
                      .json()
                      .get("items")) {
                left.add(reply.get("workspaceId").asText());
              }
              for (String id : left) {
                assertThat(api.delete(ownWorkspaces + id, api.tokenOf(owner)).status())
                    .as("delete " + id)
                    .isIn(202, 404);
              }
              // All at once: ~20 deletes spread over the hosts, slow on a loaded CI machine.
              scenario.awaitAllGone(owner, left, Duration.ofMinutes(3));
            }));
    return tests.stream();
  }

  /** A well-formed token claiming admin, signed by a key nobody trusts. */
  static String forgedAdminToken(String subject) throws Exception {
    var stranger = new ECKeyGenerator(Curve.P_256).keyID("a4c-local-dev").generate();
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("a4c-local-dev").build(),
            new JWTClaimsSet.Builder()
                .issuer(LocalTokens.DEV_ISSUER)
                .audience(LocalTokens.DEV_AUDIENCE)
                .subject(subject)
                .claim("admin", true)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .build());
    jwt.sign(new ECDSASigner(stranger));
    return jwt.serialize();
  }
}
