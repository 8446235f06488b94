package io.a4c.local;

import static io.a4c.local.CliEndToEndTest.busyboxProject;
import static io.a4c.local.CliEndToEndTest.createWaiting;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.a4c.local.CliEndToEndTest.Run;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.BuildQueueProbe;
import io.a4c.local.testing.Fleet;
import io.a4c.local.testing.GitRepo;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's commands that {@link CliEndToEndTest} leaves out, run the same way ({@code java -jar
 * cli/target/a4c-cli.jar}) against the real local runtime and engines: {@code keys} with a key
 * {@code ssh-keygen} made, {@code workspaces stop}/{@code start --wait} with {@code ssh --print}
 * and a real {@code ssh} through the CLI, {@code builds list}/{@code get}/{@code cancel} of a build
 * kept waiting (the builders paused), {@code hosts list} as an admin and refused to a user, and
 * {@code projects list}.
 */
@ExtendWith(SharedRuntime.class)
class CliCommandsEndToEndTest {
  /** The Debian base with openssh-server: its workspaces have an SSH server, busybox's have not. */
  private static final String DEBIAN = SshAccessTest.DEBIAN;

  @TempDir Path config;
  @TempDir Path dir;

  private Run cli(String... args) throws Exception {
    return CliEndToEndTest.cli(config, args);
  }

  private void login(LocalRuntime runtime, String user, boolean admin) throws Exception {
    var args = new ArrayList<>(List.of("login", "--url", runtime.baseUri().toString()));
    args.addAll(List.of("--dev-user", user));
    if (admin) {
      args.add("--admin");
    }
    var login = cli(args.toArray(String[]::new));
    assertThat(login.exitCode()).as(login.err()).isZero();
  }

  /**
   * Makes an ed25519 key pair {@code dir/name} with {@code ssh-keygen}; answers the private key.
   */
  private Path newKey(String name) throws Exception {
    Path key = dir.resolve(name);
    var keygen =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(keygen.exitValue()).as(new String(keygen.getInputStream().readAllBytes())).isZero();
    return key;
  }

  /** The SHA256 fingerprint {@code ssh-keygen -l} gives a key file. */
  private static String fingerprint(Path file) throws Exception {
    var process = new ProcessBuilder("ssh-keygen", "-l", "-f", file.toString()).start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.split(" ")[1];
  }

  @Test
  void keysAddListAndRemoveARealEd25519Key(LocalRuntime runtime, ApiClient api) throws Exception {
    String user = new Scenario(api).user("cli-keys");
    login(runtime, user, false);
    Path key = newKey("laptop");
    Path pub = dir.resolve("laptop.pub");
    String fingerprint = fingerprint(pub);
    assertThat(fingerprint).startsWith("SHA256:");

    var added = cli("keys", "add", "laptop", pub.toString());
    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out().strip()).isEqualTo("added laptop: ssh-ed25519 " + fingerprint);
    var replaced = cli("keys", "add", "laptop", pub.toString());
    assertThat(replaced.out()).as(replaced.err()).startsWith("replaced laptop: ");

    var list = cli("keys", "list", "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    JsonNode items = list.json();
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("name").asText()).isEqualTo("laptop");
    assertThat(items.get(0).get("type").asText()).isEqualTo("ssh-ed25519");
    assertThat(items.get(0).get("fingerprint").asText()).isEqualTo(fingerprint);
    assertThat(items.get(0).get("comment").asText()).isEqualTo("laptop");
    // What the API keeps for the user, by their id.
    var kept = api.get("/v1/users/" + user + "/ssh-keys", api.tokenOf(user)).json().get("items");
    assertThat(kept).isEqualTo(items);
    assertThat(cli("keys", "ls").out().lines().toList())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("laptop")
        .contains(fingerprint);

    // The private half is refused before it is sent.
    var secret = cli("keys", "add", "oops", key.toString());
    assertThat(secret.exitCode()).isEqualTo(2);
    assertThat(secret.err()).contains("is a private key").doesNotContain("Exception");
    // A file that is no key is the API's refusal, naming the field.
    Path notAKey = Files.writeString(dir.resolve("notes.txt"), "hello\n");
    var bad = cli("keys", "add", "notes", notAKey.toString());
    assertThat(bad.exitCode()).isEqualTo(3);
    assertThat(bad.err()).contains("(field: publicKey)").doesNotContain("Exception");

    var removed = cli("keys", "remove", "laptop");
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(removed.out().strip()).isEqualTo("removed laptop");
    assertThat(cli("keys", "list", "--json").json()).isEmpty();
    assertThat(api.get("/v1/users/" + user + "/ssh-keys", api.tokenOf(user)).json().get("items"))
        .isEmpty();
    var again = cli("keys", "remove", "laptop");
    assertThat(again.exitCode()).as("no key of that name any more: a 404").isEqualTo(3);
    assertThat(again.err()).contains("laptop").doesNotContain("Exception");
  }

  @Test
  void aWorkspaceStopsAndStartsWithWaitAndSshReachesItBeforeAndAfter(
      LocalRuntime runtime, ApiClient api) throws Exception {
    var scenario = new Scenario(api);
    String project = scenario.createProject("cli-ssh");
    scenario.registerImage(project, "amd64", "1", DEBIAN);
    String user = scenario.user("cli-ssh");
    login(runtime, user, false);
    Path key = newKey("laptop");
    assertThat(cli("keys", "add", "laptop", key + ".pub").exitCode()).isZero();
    String id = null;
    try {
      var created = createWaiting(config, project, "dev");
      assertThat(created.exitCode()).as(created.err()).isZero();
      var running = cli("workspaces", "get", "dev", "--json").json();
      id = running.get("workspaceId").asText();
      String login = running.at("/ssh/user").asText();
      String hostname = running.at("/ssh/host").asText();
      assertThat(login).as(running.toString()).isNotEmpty();
      assertThat(hostname).isEqualTo(running.get("hostname").asText());

      var print = cli("ssh", "dev", "--print");
      assertThat(print.exitCode()).as(print.err()).isZero();
      Path knownHosts = config.resolve("a4c").resolve("known_hosts");
      assertThat(print.out().strip())
          .isEqualTo(
              "ssh -o UserKnownHostsFile="
                  + knownHosts
                  + " -o StrictHostKeyChecking=yes -o HostKeyAlias="
                  + hostname
                  + " -p 22 -l "
                  + login
                  + " -- "
                  + running.get("ip").asText());
      assertThat(knownHosts).content().startsWith("@cert-authority");
      assertThat(cli("ssh", "dev", "-i", key.toString(), "--print", "--", "echo", "a b").out())
          .contains(" -i " + key + " -o IdentitiesOnly=yes ")
          .endsWith(" echo 'a b'\n");
      // The command it prints is the one it runs: the system ssh logs in with the key, the host
      // key checked against A4C's CA alone.
      assertThat(sshWhoami(key)).isEqualTo(login);

      var stopped = cli("workspaces", "stop", "dev", "--wait");
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      assertThat(stopped.err()).contains("STOPPED");
      assertThat(stopped.out()).startsWith(id + " (dev)").contains("state:    STOPPED");
      var afterStop = cli("workspaces", "get", id, "--json").json();
      assertThat(afterStop.get("state").asText()).isEqualTo("STOPPED");
      assertThat(afterStop.get("stoppedReason").asText()).isEqualTo("user");
      var refused = cli("ssh", "dev", "--print");
      assertThat(refused.exitCode()).isEqualTo(3);
      assertThat(refused.err())
          .contains("is STOPPED, not RUNNING: a4c-cli workspaces start " + id)
          .doesNotContain("Exception");

      var started = cli("workspaces", "start", "dev", "--wait");
      assertThat(started.exitCode()).as(started.err()).isZero();
      assertThat(started.err()).contains("→ RUNNING");
      assertThat(started.out()).contains("state:    RUNNING");
      var afterStart = cli("workspaces", "get", "dev", "--json").json();
      assertThat(afterStart.get("state").asText()).isEqualTo("RUNNING");
      assertThat(afterStart.get("workspaceId").asText()).isEqualTo(id);
      assertThat(sshWhoami(key)).as("the same login after the start").isEqualTo(login);

      var deleted = cli("workspaces", "delete", "dev", "--wait");
      assertThat(deleted.exitCode()).as(deleted.err()).isZero();
      id = null;
    } finally {
      if (id != null) {
        api.delete("/v1/users/" + user + "/workspaces/" + id, api.tokenOf(user));
        scenario.awaitGone(user, id);
      }
      api.delete("/v1/users/" + user + "/ssh-keys/laptop", api.tokenOf(user));
    }
  }

  /** {@code a4c-cli ssh dev -i KEY -- id -un}: the login the workspace sees. */
  private String sshWhoami(Path key) throws Exception {
    var ssh = cli("ssh", "dev", "-i", key.toString(), "--", "id", "-un");
    assertThat(ssh.exitCode()).as(ssh.err()).isZero();
    return ssh.out().strip();
  }

  @Test
  void buildsListGetAndCancelABuildTheBuildersKeepWaiting(LocalRuntime runtime, ApiClient api)
      throws Exception {
    var scenario = new Scenario(api);
    var repo = GitRepo.create();
    String change = repo.commit("README", "waits\n").substring(0, 12);
    String project = scenario.createGitProject("cli-cancel", repo);
    String user = scenario.user("cli-builds");
    login(runtime, user, false);
    try (var probe = new BuildQueueProbe(runtime)) {
      probe.pauseAll();
      try {
        var scheduled = cli("builds", "schedule", project, change);
        assertThat(scheduled.exitCode()).as(scheduled.err()).isZero();
        String id = scheduled.out().strip();
        assertThat(id).startsWith("bs-");

        var list = cli("builds", "list", "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0).get("scheduleId").asText()).isEqualTo(id);
        assertThat(list.json().get(0).get("projectName").asText()).isEqualTo(project);
        assertThat(list.json().get(0).get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(cli("builds", "list").out().lines().toList())
            .hasSize(2)
            .last()
            .asString()
            .startsWith(id)
            .contains(project)
            .contains("SCHEDULED");

        var got = cli("builds", "get", id, "--json");
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(got.json().get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(got.json().get("change").asText()).isEqualTo(change);
        int position = got.json().at("/waiting/position").asInt();
        assertThat(position).isPositive();
        String reason = got.json().at("/waiting/reason").asText();
        assertThat(reason).contains("amd64");
        // The reason's figures in brackets (a last report's time, free slots) may move between
        // two reads; the words before them do not.
        assertThat(cli("builds", "get", id).out())
            .startsWith(id)
            .contains("status:    SCHEDULED")
            .contains("waiting:   position " + position + ": " + reason.replaceAll(" ?\\(.*", ""));

        var cancelled = cli("builds", "cancel", id);
        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
        assertThat(cancelled.out().strip()).isEqualTo(id + " is CANCELLED");
        assertThat(
                api.get("/v1/users/" + user + "/image-schedules/" + id, api.tokenOf(user))
                    .at("/status"))
            .isEqualTo("CANCELLED");
        assertThat(cli("builds", "get", id, "--json").json().get("status").asText())
            .isEqualTo("CANCELLED");
        var again = cli("builds", "cancel", id, "--json");
        assertThat(again.exitCode()).as("cancelling a cancelled build answers it").isZero();
        assertThat(again.json().get("status").asText()).isEqualTo("CANCELLED");

        var unknown = cli("builds", "get", "bs-00000000000000000000000000");
        assertThat(unknown.exitCode()).isEqualTo(3);
        assertThat(unknown.err()).doesNotContain("Exception");
      } finally {
        // Its job stays on the queue; resumed, a builder is refused the claim and drops it.
        scenario.cancelWaitingBuilds(user);
      }
    }
  }

  @Test
  void hostsListShowsTheFleetToAnAdminAndIsRefusedToAUser(
      LocalRuntime runtime, ApiClient api, Fleet fleet) throws Exception {
    var scenario = new Scenario(api);
    login(runtime, scenario.user("cli-root"), true);
    assertThat(cli("whoami", "--json").json().get("admin").asBoolean()).isTrue();

    var hosts = cli("hosts", "list", "--json");
    assertThat(hosts.exitCode()).as(hosts.err()).isZero();
    var ids = new ArrayList<String>();
    hosts.json().forEach(h -> ids.add(h.get("hostId").asText()));
    assertThat(ids).containsAll(fleet.hostIds());
    hosts.json().forEach(h -> assertThat(h.get("arch").asText()).isEqualTo("amd64"));
    var table = cli("hosts", "ls").out().lines().toList();
    assertThat(table.getFirst()).startsWith("HOST").contains("STATUS").contains("HEARTBEAT");
    for (String hostId : fleet.hostIds()) {
      assertThat(table).anySatisfy(line -> assertThat(line).startsWith(hostId + " "));
    }

    login(runtime, scenario.user("cli-user"), false);
    for (var args : List.of(List.of("hosts", "list"), List.of("hosts", "list", "--json"))) {
      var refused = cli(args.toArray(String[]::new));
      assertThat(refused.exitCode()).as(String.join(" ", args)).isEqualTo(4);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err()).startsWith("a4c-cli: ").doesNotContain("Exception");
    }
  }

  @Test
  void projectsListShowsAnyUserWhatWorkspacesCanBeCreatedOf(LocalRuntime runtime, ApiClient api)
      throws Exception {
    var scenario = new Scenario(api);
    String project = busyboxProject(scenario, "cli-projects");
    String bare = scenario.createProject("cli-bare");
    login(runtime, scenario.user("cli-lister"), false);

    var json = cli("projects", "list", "--json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode mine = null;
    JsonNode other = null;
    for (var p : json.json()) {
      if (p.get("projectName").asText().equals(project)) {
        mine = p;
      } else if (p.get("projectName").asText().equals(bare)) {
        other = p;
      }
    }
    assertThat(mine).as("%s in %s", project, json.out()).isNotNull();
    assertThat(mine.at("/parents/0/parentName").asText()).isEqualTo("main");
    assertThat(mine.at("/parents/0/images/0/arch").asText()).isEqualTo("amd64");
    assertThat(mine.at("/parents/0/images/0/change").asText()).isEqualTo("1");
    assertThat(other).isNotNull();
    assertThat(other.at("/parents/0/images")).isEmpty();

    var table = cli("projects", "list");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out().lines().toList().getFirst().split("\\s+"))
        .containsExactly("PROJECT", "PARENT", "IMAGES");
    assertThat(table.out().lines().filter(l -> l.startsWith(project + " ")))
        .singleElement()
        .satisfies(
            l -> assertThat(l.split("\\s+", 3)).containsExactly(project, "main", "amd64 at 1"));
    assertThat(table.out().lines().filter(l -> l.startsWith(bare + " ")))
        .singleElement()
        .satisfies(l -> assertThat(l.split("\\s+", 3)).containsExactly(bare, "main", "none yet"));

    // A project's configuration stays the admins'.
    var get = cli("projects", "get", project);
    assertThat(get.exitCode()).isEqualTo(4);
    assertThat(get.err()).doesNotContain("Exception");
  }
}
