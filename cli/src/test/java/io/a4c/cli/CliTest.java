package io.a4c.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI in-process against {@link FakeApi}: parsing and help, exit codes, what reaches the API,
 * the stored login, name resolution, tables.
 */
class CliTest {
  @TempDir Path home;

  private static final String WS1 = "ws-0000000000000000000000000a";
  private static final String WS2 = "ws-0000000000000000000000000b";

  /** An unsigned token with these claims (the CLI reads claims, the server verifies). */
  static String token(String sub, boolean admin, Instant exp) {
    var b64 = Base64.getUrlEncoder().withoutPadding();
    String claims =
        "{\"sub\":\"" + sub + "\",\"admin\":" + admin + ",\"exp\":" + exp.getEpochSecond() + "}";
    return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }

  private static String workspace(String id, String name, String state) {
    return "{\"userId\":\"alice\",\"workspaceId\":\""
        + id
        + "\""
        + (name == null ? "" : ",\"name\":\"" + name + "\"")
        + ",\"projectName\":\"shop\",\"parentName\":\"main\",\"arch\":\"amd64\",\"change\":\"1\","
        + "\"imageRef\":\"a4c-base:busybox\",\"hostId\":\"h1\",\"hostname\":\""
        + id
        + ".ws.a4c.internal\",\"state\":\""
        + state
        + "\",\"createdAt\":\"2026-12-01T10:00:00Z\",\"updatedAt\":\"2026-12-01T10:00:00Z\"}";
  }

  private FakeApi loggedIn(FakeApi api) {
    api.on("GET /v1/users/me/workspaces?limit=1", 200, "{\"items\":[]}");
    String token = token("alice", false, Instant.now().plusSeconds(3600));
    var run = FakeApi.cli(home, "", "login", "--url", api.uri().toString(), "--token", token);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return api;
  }

  @Test
  void everyCommandHasHelp() {
    var line = A4cCli.commandLine(Context.ofProcess());
    var paths = new ArrayList<List<String>>();
    collect(line, new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(25);
    for (var path : paths) {
      var args = new ArrayList<>(path);
      args.add("--help");
      var run = FakeApi.cli(home, "", args.toArray(String[]::new));
      assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).as(String.join(" ", args)).contains("Usage: a4c-cli");
    }
  }

  private static void collect(CommandLine line, List<String> prefix, List<List<String>> into) {
    into.add(List.copyOf(prefix));
    line.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) {
                var next = new ArrayList<>(prefix);
                next.add(name);
                collect(sub, next, into);
              }
            });
  }

  @Test
  void usageErrorsExit2() {
    assertThat(FakeApi.cli(home, "").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(FakeApi.cli(home, "", "workspaces").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(FakeApi.cli(home, "", "workspaces", "create").exitCode()).isEqualTo(2);
    assertThat(FakeApi.cli(home, "", "workspaces", "list", "--nope").exitCode()).isEqualTo(2);
    assertThat(
            FakeApi.cli(home, "", "login", "--url", "http://x", "--token", "t", "--dev-user", "a")
                .exitCode())
        .as("--token and --dev-user exclude each other")
        .isEqualTo(2);
  }

  @Test
  void loginKeepsTheTokenInAPrivateFileAndLogoutForgetsIt() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      Path file = home.resolve("a4c").resolve("config.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
          .isEqualTo("rwx------");
      assertThat(Files.readString(file)).contains(api.uri().toString()).contains("\"token\"");
      assertThat(api.seen.get(api.seen.size() - 1).authorization()).startsWith("Bearer ey");
      try (var dir = Files.list(file.getParent())) {
        assertThat(dir.map(p -> p.getFileName().toString())).containsExactly("config.json");
      }

      var whoami = FakeApi.cli(home, "", "whoami");
      assertThat(whoami.out()).startsWith("alice at " + api.uri());

      assertThat(FakeApi.cli(home, "", "logout").exitCode()).isZero();
      assertThat(Files.readString(file)).doesNotContain("token");
      var after = FakeApi.cli(home, "", "workspaces", "list");
      assertThat(after.exitCode()).isEqualTo(ExitCodes.AUTH);
      assertThat(after.err()).contains("not logged in");
    }
  }

  @Test
  void aTokenOnStandardInputIsTakenAndARefusedOneIsNotKept() throws Exception {
    try (var api = new FakeApi()) {
      api.fail(
          "GET /v1/users/me/workspaces?limit=1", 401, "A valid bearer token is required", null);
      var run = FakeApi.cli(home, "not-a-token\n", "login", "--url", api.uri().toString());
      assertThat(run.exitCode()).isEqualTo(ExitCodes.AUTH);
      assertThat(run.err()).contains("log in again");
      assertThat(api.seen.get(api.seen.size() - 1).authorization()).isEqualTo("Bearer not-a-token");
      assertThat(home.resolve("a4c").resolve("config.json")).doesNotExist();
    }
  }

  @Test
  void anExpiredTokenIsSaidBeforeAnyRequest() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      ConfigStore.of(java.util.Map.of("XDG_CONFIG_HOME", home.toString()))
          .write(
              new ConfigStore.Config(
                  api.uri().toString(), token("alice", false, Instant.now().minusSeconds(60))));
      int before = api.seen.size();
      var run = FakeApi.cli(home, "", "workspaces", "list");
      assertThat(run.exitCode()).isEqualTo(ExitCodes.AUTH);
      assertThat(run.err()).contains("your token expired at").doesNotContain("Exception");
      assertThat(api.seen).hasSize(before);
    }
  }

  @Test
  void problemsPrintTheirDetailAndFieldWithTheExitCodeOfTheirStatus() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.fail("POST /v1/users/me/workspaces", 400, "no project nope", "projectName");
      var run = FakeApi.cli(home, "", "workspaces", "create", "nope");
      assertThat(run.exitCode()).isEqualTo(ExitCodes.CLIENT_ERROR);
      assertThat(run.err())
          .contains("no project nope (field: projectName)")
          .doesNotContain("req-42");
      assertThat(api.seen.get(api.seen.size() - 1).body())
          .isEqualTo("{\"projectName\":\"nope\",\"parentName\":\"main\",\"arch\":\"amd64\"}");

      var verbose = FakeApi.cli(home, "", "workspaces", "create", "nope", "--verbose");
      assertThat(verbose.err()).contains("request id: req-42");

      api.fail("GET /v1/hosts", 403, "only administrators may list hosts", null);
      assertThat(FakeApi.cli(home, "", "hosts", "list").exitCode()).isEqualTo(ExitCodes.AUTH);
      api.fail("GET /v1/users/me/ssh-keys", 500, "boom", null);
      assertThat(FakeApi.cli(home, "", "keys", "list").exitCode()).isEqualTo(ExitCodes.SERVER);
    }
  }

  @Test
  void anUnreachableServerIsAServerError() throws Exception {
    var api = loggedIn(new FakeApi());
    api.close();
    var run = FakeApi.cli(home, "", "workspaces", "list");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVER);
    assertThat(run.err()).contains("cannot reach the A4C API at " + api.uri());
  }

  @Test
  void namesResolveToTheOneWorkspaceOfThatNameAndAnAmbiguousOneIsAnError() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on(
          "GET /v1/users/me/workspaces?limit=100",
          200,
          "{\"items\":["
              + workspace(WS1, "dev", "RUNNING")
              + ","
              + workspace(WS2, "twin", "RUNNING")
              + ","
              + workspace("ws-0000000000000000000000000c", "twin", "STOPPED")
              + "]}");
      api.on("GET /v1/users/me/workspaces/" + WS1, 200, workspace(WS1, "dev", "RUNNING"));

      var byName = FakeApi.cli(home, "", "workspaces", "get", "dev", "--json");
      assertThat(byName.exitCode()).as(byName.err()).isZero();
      assertThat(byName.out()).contains("\"workspaceId\" : \"" + WS1 + "\"");

      var twin = FakeApi.cli(home, "", "workspaces", "get", "twin");
      assertThat(twin.exitCode()).isEqualTo(ExitCodes.CLIENT_ERROR);
      assertThat(twin.err()).contains("2 of your workspaces are named 'twin'").contains(WS2);

      var none = FakeApi.cli(home, "", "workspaces", "delete", "ghost");
      assertThat(none.exitCode()).isEqualTo(ExitCodes.CLIENT_ERROR);
      assertThat(none.err()).contains("no workspace named or with the id 'ghost'");

      var json = FakeApi.cli(home, "", "workspaces", "list", "--json", "--state", "RUNNING");
      assertThat(Api.JSON.readTree(json.out()).get(0).get("imageRef").asText())
          .as("--json prints the API's JSON, not the CLI's records")
          .isEqualTo("a4c-base:busybox");

      var table = FakeApi.cli(home, "", "workspaces", "list", "--state", "running");
      assertThat(table.out().lines().toList())
          .containsExactly(
              "ID" + " ".repeat(29) + "NAME  PROJECT  PARENT  ARCH   STATE    HOST  IP",
              WS1 + "  dev   shop     main    amd64  RUNNING  h1    -",
              WS2 + "  twin  shop     main    amd64  RUNNING  h1    -");
    }
  }

  @Test
  void createWaitShowsTheStepsAndEndsAtRunningOrSaysWhyItFailed() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on("POST /v1/users/me/workspaces", 202, workspace(WS1, null, "PENDING"));
      api.on(
          "GET /v1/users/me/workspaces/" + WS1,
          200,
          workspace(WS1, null, "RUNNING")
              .replace(
                  "\"state\"", "\"step\":\"HOSTNAME_REGISTERED\",\"ip\":\"10.251.1.5\",\"state\""));
      var run = FakeApi.cli(home, "", "workspaces", "create", "shop", "--wait");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err())
          .contains("placed on h1 → container → started → setup → address → hostname → RUNNING");
      assertThat(run.out()).contains("state:    RUNNING").contains("ip:       10.251.1.5");

      api.on(
          "GET /v1/users/me/workspaces/" + WS1,
          200,
          workspace(WS1, null, "FAILED")
              .replace("\"state\"", "\"reason\":\"setup step 1 failed\",\"state\""));
      var failed = FakeApi.cli(home, "", "workspaces", "create", "shop", "--wait");
      assertThat(failed.exitCode()).isEqualTo(ExitCodes.FAILED);
      assertThat(failed.err()).contains("is FAILED: setup step 1 failed");
    }
  }

  @Test
  void aWaitAsksAgainWhileTheApiIsThrottledOrUnavailableAndEndsAtRunning() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on("POST /v1/users/me/workspaces", 202, workspace(WS1, null, "PENDING"));
      String get = "GET /v1/users/me/workspaces/" + WS1;
      api.on(get, 200, workspace(WS1, null, "RUNNING"));
      // Gateway errors: faults the local runtime does not give.
      api.first(
          get,
          new FakeApi.Answer(200, "application/json", workspace(WS1, null, "CREATING")),
          new FakeApi.Answer(502, "application/json", "{\"message\":\"Internal Server Error\"}"),
          new FakeApi.Answer(
              503, "application/json", "{\"message\":\"Service Unavailable\"}", "0"));
      var run = FakeApi.cli(home, "", "workspaces", "create", "shop", "--wait");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err())
          .contains("the API is busy (HTTP 502); asking again in 0.5 s")
          .contains("the API is busy (HTTP 503); asking again in 1.0 s")
          .contains("RUNNING");
      assertThat(run.out()).contains("state:    RUNNING");
      assertThat(api.requests(get)).hasSize(4);
    }
  }

  @Test
  void aWaitGivesUpAtItsTimeoutWhenTheApiStaysBusyAndSaysSo() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on("POST /v1/users/me/workspaces", 202, workspace(WS1, null, "PENDING"));
      api.on("GET /v1/users/me/workspaces/" + WS1, 503, "{\"message\":\"Service Unavailable\"}");
      var run =
          FakeApi.cli(home, "", "workspaces", "create", "shop", "--wait", "--timeout", "PT1S");
      assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err())
          .contains("gave up waiting after")
          .contains("the API answered 503 when asked about workspace " + WS1);
    }
  }

  @Test
  void aRequestTheStageThrottlesIsSentAgainButAQuotaIsNot() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      String post = "POST /v1/users/me/workspaces";
      api.on(post, 202, workspace(WS1, null, "PENDING"));
      // API Gateway's throttling (a plain 429, before A4C sees the request): the local runtime
      // has no stage to give it.
      var throttled =
          new FakeApi.Answer(429, "application/json", "{\"message\":\"Too Many Requests\"}");
      api.first(post, throttled, throttled);
      var run = FakeApi.cli(home, "", "workspaces", "create", "shop");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains(WS1);
      assertThat(api.requests(post)).hasSize(3);

      api.seen.clear();
      api.fail(post, 429, "you hold 3 of 3 workspaces", null);
      var quota = FakeApi.cli(home, "", "workspaces", "create", "shop");
      assertThat(quota.exitCode()).isEqualTo(ExitCodes.CLIENT_ERROR);
      assertThat(quota.err()).contains("you hold 3 of 3 workspaces");
      assertThat(api.requests(post)).hasSize(1);
    }
  }

  @Test
  void aReadRidesOutAGatewaysErrorsButNotA4csOwn() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      String get = "GET /v1/users/me/workspaces/" + WS1;
      api.on(get, 200, workspace(WS1, null, "RUNNING"));
      // Gateway errors: faults the local runtime does not give.
      api.first(
          get,
          new FakeApi.Answer(502, "application/json", "{\"message\":\"Internal Server Error\"}"),
          new FakeApi.Answer(504, "application/json", "{\"message\":\"Gateway Timeout\"}", "0"));
      var run = FakeApi.cli(home, "", "workspaces", "get", WS1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("RUNNING");
      assertThat(api.requests(get)).hasSize(3);

      // A gateway that stays down: four tries in all, then its error.
      api.seen.clear();
      api.on(get, 503, "{\"message\":\"Service Unavailable\"}");
      var down = FakeApi.cli(home, "", "workspaces", "get", WS1);
      assertThat(down.exitCode()).isEqualTo(ExitCodes.SERVER);
      assertThat(api.requests(get)).hasSize(4);

      // A4C's own 503 (a problem document) is its answer: said once, not asked again.
      api.seen.clear();
      api.fail(get, 503, "the workspace store is unavailable", null);
      var own = FakeApi.cli(home, "", "workspaces", "get", WS1);
      assertThat(own.exitCode()).isEqualTo(ExitCodes.SERVER);
      assertThat(own.err()).contains("the workspace store is unavailable");
      assertThat(api.requests(get)).hasSize(1);
    }
  }

  @Test
  void aStopOrStartRidesOutAGatewaysErrorButARebuildDoesNot() throws Exception {
    // Gateway errors after which the action may have been done: faults the local runtime does
    // not give.
    var timeout = new FakeApi.Answer(504, "application/json", "{\"message\":\"Gateway Timeout\"}");
    try (var api = loggedIn(new FakeApi())) {
      String stop = "POST /v1/users/me/workspaces/" + WS1 + "/stop";
      // The stop went through behind the timeout: its repeat answers 202 as it is.
      api.on(stop, 202, workspace(WS1, null, "STOPPING"));
      api.first(stop, timeout);
      var stopped = FakeApi.cli(home, "", "workspaces", "stop", WS1);
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      assertThat(stopped.out()).contains("STOPPING");
      assertThat(api.requests(stop)).hasSize(2);

      String start = "POST /v1/users/me/workspaces/" + WS1 + "/start";
      api.on(start, 202, workspace(WS1, null, "STARTING"));
      api.first(start, new FakeApi.Answer(502, "application/json", "{}"));
      assertThat(FakeApi.cli(home, "", "workspaces", "start", WS1).exitCode()).isZero();
      assertThat(api.requests(start)).hasSize(2);

      // A rebuild takes a new operation each time: its gateway error is the user's to judge.
      String rebuild = "POST /v1/users/me/workspaces/" + WS1 + "/rebuild";
      api.on(rebuild, 202, workspace(WS1, null, "REBUILDING"));
      api.first(rebuild, timeout);
      var rebuilt = FakeApi.cli(home, "", "workspaces", "rebuild", WS1);
      assertThat(rebuilt.exitCode()).isEqualTo(ExitCodes.SERVER);
      assertThat(api.requests(rebuild)).hasSize(1);
    }
  }

  @Test
  void aDeleteRepeatedAfterAGatewaysErrorThatFindsTheWorkspaceGoneHasDeletedIt() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      String delete = "DELETE /v1/users/me/workspaces/" + WS1;
      // The delete went through behind the gateway's error and finished (its host was quick).
      api.fail(delete, 404, "no workspace " + WS1, null);
      api.first(delete, new FakeApi.Answer(502, "application/json", "{}"));
      var run = FakeApi.cli(home, "", "workspaces", "delete", WS1);
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains(WS1 + " is gone");
      assertThat(api.requests(delete)).hasSize(2);

      // Without a gateway's error first, a 404 is what it says.
      api.seen.clear();
      var unknown = FakeApi.cli(home, "", "workspaces", "delete", WS1);
      assertThat(unknown.exitCode()).isNotZero();
      assertThat(unknown.err()).contains("no workspace " + WS1);
      assertThat(api.requests(delete)).hasSize(1);
    }
  }

  @Test
  void aCreateIsSentAgainWithItsIdempotencyKeyAfterAGatewayErrorButNotAfterA4csOwn503()
      throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      String post = "POST /v1/users/me/workspaces";
      api.on(post, 202, workspace(WS1, null, "PENDING"));
      // A gateway timeout (the create may have been made behind it): a fault the local runtime
      // does not give.
      api.first(
          post, new FakeApi.Answer(504, "application/json", "{\"message\":\"Gateway Timeout\"}"));
      var run = FakeApi.cli(home, "", "workspaces", "create", "shop");
      assertThat(run.exitCode()).as(run.err()).isZero();
      var posts = api.requests(post);
      assertThat(posts).hasSize(2);
      assertThat(posts.get(0).idempotencyKey()).isNotBlank();
      assertThat(posts.get(1).idempotencyKey()).isEqualTo(posts.get(0).idempotencyKey());

      // Another create, another key.
      api.seen.clear();
      assertThat(FakeApi.cli(home, "", "workspaces", "create", "shop").exitCode()).isZero();
      assertThat(api.requests(post))
          .singleElement()
          .extracting(FakeApi.Seen::idempotencyKey)
          .isNotEqualTo(posts.get(0).idempotencyKey());

      // A4C's own 503 says nothing was written and why: said, not sent again.
      api.seen.clear();
      api.fail(post, 503, "no host of arch amd64 has room", null);
      var full = FakeApi.cli(home, "", "workspaces", "create", "shop");
      assertThat(full.exitCode()).isEqualTo(ExitCodes.SERVER);
      assertThat(full.err()).contains("no host of arch amd64 has room");
      assertThat(api.requests(post)).hasSize(1);
    }
  }

  @Test
  void waitsLookOftenAtFirstThenLessAndBackOffFromABusyApi() {
    assertThat(Polling.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
    assertThat(Polling.next(Duration.ofMillis(1999))).isEqualTo(Duration.ofMillis(200));
    assertThat(Polling.next(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
    assertThat(Polling.next(Duration.ofMinutes(10))).isEqualTo(Duration.ofMillis(500));

    var throttled = new Api.Reply(429, "{}", "application/json", null);
    assertThat(Polling.busy(throttled)).isTrue();
    assertThat(Polling.busy(new Api.Reply(500, "{}", "application/json", null))).isFalse();
    assertThat(Polling.busy(new Api.Reply(404, "{}", "application/json", null))).isFalse();
    assertThat(
            java.util.stream.IntStream.rangeClosed(1, 7)
                .mapToObj(n -> Polling.backoff(throttled, n).toMillis()))
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 8000L, 8000L);
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "3"), 1)).hasSeconds(3);
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "3600"), 1)).hasSeconds(30);
    // Never sooner than the doubling: "0" (or less) every time still paces the asking.
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "0"), 1)).hasMillis(500);
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "-1"), 3)).hasSeconds(2);
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "1"), 5)).hasSeconds(8);
    assertThat(Polling.backoff(new Api.Reply(503, "", "", "Wed, 21 Oct 2026 07:28:00 GMT"), 2))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void stopWaitSaysWhichHostTheWorkspaceIsOnNotThatItWasPlaced() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on(
          "POST /v1/users/me/workspaces/" + WS1 + "/stop", 202, workspace(WS1, null, "STOPPING"));
      api.on("GET /v1/users/me/workspaces/" + WS1, 200, workspace(WS1, null, "STOPPED"));
      var run = FakeApi.cli(home, "", "workspaces", "stop", WS1, "--wait");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err()).contains("on h1 → STOPPED").doesNotContain("placed");
    }
  }

  @Test
  void buildsLogFollowReadsFromTheLastOffsetUntilTheBuildEnds() throws Exception {
    String id = "bs-0000000000000000000000000a";
    String schedule =
        "{\"scheduleId\":\""
            + id
            + "\",\"userId\":\"alice\",\"projectName\":\"shop\","
            + "\"parentName\":\"main\",\"arch\":\"amd64\",\"kind\":\"USER\",\"status\":\"COMPLETED\","
            + "\"attempts\":1,\"imageRef\":\"r/a4c-images:shop_main_amd64_1\",\"logPath\":\"x\","
            + "\"scheduledAt\":\"2026-12-01T10:00:00Z\",\"updatedAt\":\"2026-12-01T10:00:00Z\"}";
    try (var api = loggedIn(new FakeApi())) {
      String base = "GET /v1/users/me/image-schedules/" + id;
      api.on(base + "/log?after=0", 200, log(id, "one\\n", 4, false));
      api.on(base + "/log?after=4", 200, log(id, "two\\n", 8, true));
      // A gateway timeout between two reads (API Gateway's, which the local runtime does not give).
      api.first(
          base + "/log?after=4",
          new FakeApi.Answer(504, "application/json", "{\"message\":\"Gateway Timeout\"}", "0"));
      api.on(base, 200, schedule);
      // ... and when the follow asks for the build that ended.
      api.first(
          base,
          new FakeApi.Answer(
              503, "application/json", "{\"message\":\"Service Unavailable\"}", null));
      var run = FakeApi.cli(home, "", "builds", "log", id, "--follow");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("one\ntwo\n");
      assertThat(run.err())
          .contains("the API is busy (HTTP 504)")
          .contains("the API is busy (HTTP 503)")
          .contains("COMPLETED: r/a4c-images:shop_main_amd64_1");
    }
  }

  @Test
  void buildsLogFollowReadsANewAttemptsLogFromItsStart() throws Exception {
    String id = "bs-0000000000000000000000000b";
    String schedule =
        "{\"scheduleId\":\""
            + id
            + "\",\"userId\":\"alice\",\"projectName\":\"shop\","
            + "\"parentName\":\"main\",\"arch\":\"amd64\",\"kind\":\"USER\",\"status\":\"COMPLETED\","
            + "\"attempts\":2,\"imageRef\":\"r/a4c-images:shop_main_amd64_1\",\"logPath\":\"x\","
            + "\"scheduledAt\":\"2026-12-01T10:00:00Z\",\"updatedAt\":\"2026-12-01T10:00:00Z\"}";
    try (var api = loggedIn(new FakeApi())) {
      String base = "GET /v1/users/me/image-schedules/" + id;
      // Attempt 1 wrote a line; its builder died and attempt 2 began on another host.
      api.on(base + "/log?after=4", 200, log(id, 2, "n\\n", 8, false));
      api.on(base, 200, schedule);
      var reads = new java.util.concurrent.atomic.AtomicInteger();
      api.onEach(
          base + "/log?after=0",
          () ->
              reads.incrementAndGet() == 1
                  ? log(id, 1, "one\\n", 4, false)
                  : log(id, 2, "again\\n", 6, true));
      var run = FakeApi.cli(home, "", "builds", "log", id, "--follow");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("one\nagain\n");
      assertThat(run.err()).contains("started again (attempt 2)");
    }
  }

  private static String log(String id, String text, int next, boolean ended) {
    return log(id, 1, text, next, ended);
  }

  private static String log(String id, int attempt, String text, int next, boolean ended) {
    return "{\"scheduleId\":\""
        + id
        + "\",\"status\":\"IN_PROGRESS\",\"attempt\":"
        + attempt
        + ",\"log\":\""
        + text
        + "\",\"writtenAt\":\"2026-12-01T10:00:00Z\",\"nextOffset\":"
        + next
        + ",\"ended\":"
        + ended
        + "}";
  }

  @Test
  void projectsListPrintsEachParentWithItsImagesOrTheApisJson() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      api.on(
          "GET /v1/projects",
          200,
          "{\"items\":[{\"projectName\":\"shop\",\"parents\":["
              + "{\"parentName\":\"main\",\"images\":["
              + "{\"arch\":\"amd64\",\"change\":\"4711\",\"createdAt\":\"2026-05-04T10:15:30Z\"},"
              + "{\"arch\":\"arm64\",\"change\":\"4710\",\"createdAt\":\"2026-05-03T10:15:30Z\"}]},"
              + "{\"parentName\":\"release\",\"images\":[]}]}]}");

      var table = FakeApi.cli(home, "", "projects", "list");
      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out().lines().toList())
          .containsExactly(
              "PROJECT  PARENT   IMAGES",
              "shop     main     amd64 at 4711, arm64 at 4710",
              "shop     release  none yet");
      var last = api.seen.get(api.seen.size() - 1);
      assertThat(last.method() + " " + last.path()).isEqualTo("GET /v1/projects");
      assertThat(last.authorization()).startsWith("Bearer ");

      var json = FakeApi.cli(home, "", "projects", "ls", "--json");
      assertThat(json.exitCode()).as(json.err()).isZero();
      var items = Api.JSON.readTree(json.out());
      assertThat(items.isArray()).as("the items, as the API answered them").isTrue();
      assertThat(items.get(0).at("/parents/0/images/1/createdAt").asText())
          .isEqualTo("2026-05-03T10:15:30Z");

      api.on("GET /v1/projects", 200, "{\"items\":[]}");
      assertThat(FakeApi.cli(home, "", "projects", "list").out()).isEqualTo("no projects\n");
    }
  }

  @Test
  void keysAddRefusesAPrivateKeyBeforeAnyRequest() throws Exception {
    try (var api = loggedIn(new FakeApi())) {
      Path secret = home.resolve("id_ed25519");
      Files.writeString(
          secret,
          "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
              + "-----END OPENSSH PRIVATE KEY-----\n");
      int before = api.seen.size();
      var run = FakeApi.cli(home, "", "keys", "add", "laptop", secret.toString());
      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains(secret + " is a private key").contains(".pub");
      assertThat(api.seen).as("nothing was sent").hasSize(before);

      // Without FILE: ~/.ssh/id_ed25519.pub.
      Files.createDirectories(home.resolve(".ssh"));
      Files.writeString(
          home.resolve(".ssh").resolve("id_ed25519.pub"),
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA me@laptop\n");
      api.on(
          "PUT /v1/users/me/ssh-keys/laptop",
          201,
          "{\"name\":\"laptop\",\"type\":\"ssh-ed25519\",\"fingerprint\":\"SHA256:x\","
              + "\"createdAt\":\"2026-12-01T10:00:00Z\"}");
      var pub = FakeApi.cli(home, "", "keys", "add", "laptop");
      assertThat(pub.exitCode()).as(pub.err()).isZero();
      assertThat(pub.out()).isEqualTo("added laptop: ssh-ed25519 SHA256:x\n");
      assertThat(api.seen.get(api.seen.size() - 1).body())
          .isEqualTo("{\"publicKey\":\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA me@laptop\"}");
    }
  }

  @Test
  void configSshBlockIsReplacedNotRepeated() {
    String mine = "Host other\n  User me\n";
    String block = SshCommands.BEGIN + "\nHost a.a4c\n" + SshCommands.END + "\n";
    String once = SshCommands.replaceBlock(mine, block);
    String newer = SshCommands.BEGIN + "\nHost b.a4c\n" + SshCommands.END + "\n";
    String twice = SshCommands.replaceBlock(once, newer);

    assertThat(once).isEqualTo(mine + "\n" + block);
    assertThat(twice).isEqualTo(mine + "\n" + newer);
    assertThat(SshCommands.replaceBlock(twice + "Host after\n", block))
        .isEqualTo(mine + "\n" + block + "Host after\n");
  }

  @Test
  void aTableSaysWhenItIsEmpty() {
    var out = new java.io.StringWriter();
    Table.of("a", "bb").print(new java.io.PrintWriter(out), "nothing");
    assertThat(out.toString()).isEqualTo("nothing" + System.lineSeparator());
    out = new java.io.StringWriter();
    Table.of("a", "bb").row("long value", null).print(new java.io.PrintWriter(out), "nothing");
    assertThat(out.toString().lines().toList()).containsExactly("A           BB", "long value  -");
  }
}
