package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line client, {@code cli/target/a4c-cli.jar} run as {@code java -jar} (so with nothing
 * but the jar on its class path: no AWS SDK), against the real local runtime and engines: login,
 * create {@code --wait} to RUNNING, list {@code --json}, the {@code me} routes, delete {@code
 * --wait}, errors and their exit codes, {@code config-ssh}, and {@code builds log --follow}
 * printing a running build's log before it ends.
 */
@ExtendWith(SharedRuntime.class)
class CliEndToEndTest {
  private static final Path JAR = Path.of("..", "cli", "target", "a4c-cli.jar");

  /** The oldest Java the CLI promises to run on (its {@code maven.compiler.release}). */
  private static final int OLDEST_JAVA = 17;

  /**
   * The Java every run of the CLI here uses: {@code A4C_TEST_CLI_JAVA}, else Debian's Java 17 (the
   * one Debian 12's Maven brings) when the machine has it, so that the whole walk-through proves
   * the jar runs there; else the tests' own.
   */
  private static final String CLI_JAVA = cliJava();

  private static String cliJava() {
    String chosen = System.getenv("A4C_TEST_CLI_JAVA");
    if (chosen != null && !chosen.isBlank()) {
      return chosen;
    }
    Path debian = Path.of("/usr/lib/jvm/java-" + OLDEST_JAVA + "-openjdk-amd64/bin/java");
    if (Files.isExecutable(debian)) {
      return debian.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path config;

  /** What a run of the CLI printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  /** The CLI's process, {@code configHome} its {@code XDG_CONFIG_HOME}, not yet started. */
  static ProcessBuilder cliProcess(Path configHome, String... args) {
    assertThat(JAR)
        .as("the CLI's jar: the reactor builds it (mvn verify, or package -pl cli) before local")
        .exists();
    var command = new ArrayList<String>();
    command.add(CLI_JAVA);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command);
    process.environment().put("XDG_CONFIG_HOME", configHome.toString());
    process.environment().remove("CLASSPATH");
    return process;
  }

  private Run cli(String... args) throws Exception {
    return cli(config, args);
  }

  /** Runs the CLI to its end, {@code configHome} its {@code XDG_CONFIG_HOME}, nothing on input. */
  static Run cli(Path configHome, String... args) throws Exception {
    var process = cliProcess(configHome, args).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    process.getOutputStream().close();
    var out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("a4c-cli " + args[0] + " ended").isTrue();
    return new Run(process.exitValue(), out.get(), err.get());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * {@code workspaces create PROJECT --name NAME --wait}. On a loaded machine a host's heartbeat
   * may run late, and placement then refuses (503, exit 5) until it comes: that refusal created
   * nothing, so the create is asked again.
   */
  static Run createWaiting(Path configHome, String project, String name) throws Exception {
    Run created = null;
    for (int tries = 0; tries < 6; tries++) {
      created = cli(configHome, "workspaces", "create", project, "--name", name, "--wait");
      if (created.exitCode() != 5 || !created.err().contains("silent for over")) {
        break;
      }
      Thread.sleep(5_000);
    }
    return created;
  }

  /** A project with a registered image, busybox, so its workspaces start in a second. */
  static String busyboxProject(Scenario scenario, String name) {
    String project = scenario.createProject(name);
    scenario.registerImage(project, "amd64", "1", "a4c-base:busybox");
    return project;
  }

  @Test
  void theJarHoldsNoAwsSdk() throws Exception {
    try (var jar = new ZipFile(JAR.toFile())) {
      assertThat(
              jar.stream()
                  .map(e -> e.getName())
                  .filter(n -> n.startsWith("software/amazon/") || n.startsWith("com/amazonaws/")))
          .isEmpty();
      assertThat(jar.getEntry("io/a4c/cli/A4cCli.class")).isNotNull();
      assertThat(jar.getEntry("picocli/CommandLine.class")).isNotNull();
    }
  }

  @Test
  void theJarsClassesLoadOnTheOldestJavaItPromises() throws Exception {
    try (var jar = new ZipFile(JAR.toFile())) {
      var ours = jar.stream().filter(e -> e.getName().matches("io/a4c/cli/.*\\.class")).toList();
      assertThat(ours).isNotEmpty();
      for (var entry : ours) {
        try (var in = new java.io.DataInputStream(jar.getInputStream(entry))) {
          assertThat(in.readInt()).isEqualTo(0xCAFEBABE);
          in.readUnsignedShort(); // minor
          assertThat(in.readUnsignedShort())
              .as("class file version of %s (Java %d is 61)", entry.getName(), OLDEST_JAVA)
              .isLessThanOrEqualTo(OLDEST_JAVA + 44);
        }
      }
    }
  }

  @Test
  void theCliRunsOnTheJavaThisTestChose() throws Exception {
    var run = cli("--version");
    assertThat(run.exitCode())
        .as("%s -jar a4c-cli.jar --version: %s", CLI_JAVA, run.err())
        .isZero();
    assertThat(run.out()).startsWith("a4c-cli ");
  }

  @Test
  void aUserLogsInCreatesWaitsListsAndDeletesTheirWorkspaceThroughMe(
      LocalRuntime runtime, ApiClient api) throws Exception {
    var scenario = new Scenario(api);
    String project = busyboxProject(scenario, "cli");
    String user = scenario.user("cli");

    var login = cli("login", "--url", runtime.baseUri().toString(), "--dev-user", user);
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).contains("logged in to " + runtime.baseUri() + " as " + user);
    Path file = config.resolve("a4c").resolve("config.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    var whoami = cli("whoami", "--json");
    assertThat(whoami.json().get("userId").asText()).isEqualTo(user);
    assertThat(whoami.json().get("admin").asBoolean()).isFalse();

    Run created = createWaiting(config, project, "box");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.err()).contains("placed on h").contains("→ RUNNING");
    assertThat(created.out()).contains("state:    RUNNING").contains("ip:       10.251.");

    var list = cli("workspaces", "list", "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    JsonNode items = list.json();
    assertThat(items).hasSize(1);
    String id = items.get(0).get("workspaceId").asText();
    assertThat(items.get(0).get("name").asText()).isEqualTo("box");
    assertThat(items.get(0).get("state").asText()).isEqualTo("RUNNING");
    // `me` is the caller: the CLI's list is the user's own, by id as by `me`.
    var byId = api.get("/v1/users/" + user + "/workspaces", api.tokenOf(user));
    var byMe = api.get("/v1/users/me/workspaces", api.tokenOf(user));
    assertThat(byMe.json()).isEqualTo(byId.json());
    assertThat(byId.json().get("items").get(0)).isEqualTo(items.get(0));
    assertThat(api.get("/v1/users/me/workspaces/" + id, api.tokenOf(user)).at("/userId"))
        .isEqualTo(user);

    var table = cli("workspaces", "list");
    assertThat(table.out().lines().toList())
        .hasSize(2)
        .first()
        .asString()
        .startsWith("ID")
        .contains("STATE");
    assertThat(cli("workspaces", "get", "box").out()).startsWith(id + " (box)");

    // config-ssh run twice leaves one block, and the rest of the file as it was.
    Path sshConfig = config.resolve("ssh_config");
    Files.writeString(sshConfig, "Host elsewhere\n  User me\n");
    for (int i = 0; i < 2; i++) {
      var written = cli("config-ssh", "--ssh-config", sshConfig.toString());
      assertThat(written.exitCode()).as(written.err()).isZero();
    }
    String ssh = Files.readString(sshConfig);
    assertThat(ssh).startsWith("Host elsewhere\n  User me\n");
    assertThat(ssh.split("a4c-cli config-ssh: begin", -1)).hasSize(2);
    assertThat(ssh).contains("Host " + id + ".a4c box.a4c\n").contains("ssh-proxy");
    assertThat(config.resolve("a4c").resolve("known_hosts"))
        .content()
        .startsWith("@cert-authority");

    var deleted = cli("workspaces", "delete", "box", "--wait");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("deleted " + id);
    assertThat(api.get("/v1/users/me/workspaces/" + id, api.tokenOf(user)).status()).isEqualTo(404);
    assertThat(cli("workspaces", "list", "--json").json()).isEmpty();
  }

  @Test
  void anUnknownProjectExitsNonZeroNamingIt(LocalRuntime runtime, ApiClient api) throws Exception {
    String user = new Scenario(api).user("cli-bad");
    assertThat(cli("login", "--url", runtime.baseUri().toString(), "--dev-user", user).exitCode())
        .isZero();

    var run = cli("workspaces", "create", "no-such-project-x");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no-such-project-x").doesNotContain("Exception");
  }

  @Test
  void aMissingOrExpiredTokenSaysSo(LocalRuntime runtime, ApiClient api) throws Exception {
    var missing = cli("workspaces", "list");
    assertThat(missing.exitCode()).isEqualTo(4);
    assertThat(missing.err()).contains("not logged in").doesNotContain("Exception");

    String user = new Scenario(api).user("cli-expired");
    var key = ECKey.parse(Files.readString(runtime.config().dataDir().resolve("dev-jwt-key.json")));
    Instant now = Instant.now();
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(LocalTokens.DEV_ISSUER)
                .audience(LocalTokens.DEV_AUDIENCE)
                .subject(user)
                .issueTime(Date.from(now.minus(Duration.ofHours(2))))
                .expirationTime(Date.from(now.minus(Duration.ofMinutes(5))))
                .build());
    jwt.sign(new ECDSASigner(key));
    String expired = jwt.serialize();

    // The server refuses it at login: nothing is kept.
    var login = cli("login", "--url", runtime.baseUri().toString(), "--token", expired);
    assertThat(login.exitCode()).isEqualTo(4);
    assertThat(login.err()).contains("log in again").doesNotContain("Exception");
    assertThat(config.resolve("a4c").resolve("config.json")).doesNotExist();

    // A kept token that has since expired is said to have, before any request.
    Files.createDirectories(config.resolve("a4c"));
    Files.writeString(
        config.resolve("a4c").resolve("config.json"),
        "{\"url\": \"" + runtime.baseUri() + "\", \"token\": \"" + expired + "\"}");
    var later = cli("workspaces", "list");
    assertThat(later.exitCode()).isEqualTo(4);
    assertThat(later.err()).contains("your token expired at").contains("log in again");
  }

  @Test
  void buildsLogFollowPrintsTheLogWhileTheBuildRuns(LocalRuntime runtime, ApiClient api)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("hello.txt", "hello\n").substring(0, 12);
    String project =
        scenario.createGitProject(
            "cli-follow", repo, "echo cli-follow-before", "sleep 12", "echo cli-follow-after");
    String user = scenario.user("cli-follow");
    assertThat(cli("login", "--url", runtime.baseUri().toString(), "--dev-user", user).exitCode())
        .isZero();

    var process = cliProcess(config, "builds", "schedule", project, change, "--follow").start();
    process.getOutputStream().close();
    var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    var lines = new CopyOnWriteArrayList<String>();
    String scheduleId = null;
    String statusAtFirstLine = null;
    try (var out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("A4C build bs-") && statusAtFirstLine == null) {
          scheduleId = line.split(" ")[2];
          statusAtFirstLine =
              api.get("/v1/users/" + user + "/image-schedules/" + scheduleId, api.tokenOf(user))
                  .at("/status");
        }
      }
    }
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(err.get() + String.join("\n", lines)).isZero();

    assertThat(statusAtFirstLine)
        .as("the build's status when its log's first line was printed")
        .isEqualTo("IN_PROGRESS");
    String log = String.join("\n", lines);
    assertThat(log).contains("cli-follow-before").contains("cli-follow-after");
    assertThat(log.indexOf("A4C build " + scheduleId))
        .as("no line printed twice")
        .isEqualTo(log.lastIndexOf("A4C build " + scheduleId));
    assertThat(err.get()).contains("build " + scheduleId + " COMPLETED");
    // What was followed is the log as stored at the end.
    var stored =
        api.get("/v1/users/" + user + "/image-schedules/" + scheduleId + "/log", api.tokenOf(user));
    assertThat(stored.json().get("ended").asBoolean()).isTrue();
    assertThat(stored.at("/log").lines().toList()).isEqualTo(lines);
  }
}
