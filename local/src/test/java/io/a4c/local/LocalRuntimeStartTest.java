package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.SharedRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and restarting the runtime: data and tokens survive; a missing engine is named. */
class LocalRuntimeStartTest {
  @TempDir Path dataDir;

  /**
   * Its runtimes run a daemon on h1, whose reconciler and image collector would act on the shared
   * runtime's containers and images: the shared one stops first.
   */
  @BeforeAll
  static void haveTheEnginesToOurselves() {
    SharedRuntime.release();
  }

  private LocalConfig config(String dockerHosts) {
    return LocalConfig.fromEnvironment(
        Map.of(
            LocalEnv.PORT,
            "0",
            LocalEnv.DNS_PORT,
            "0",
            LocalEnv.DATA_DIR,
            dataDir.toString(),
            LocalEnv.DOCKER_HOSTS,
            dockerHosts));
  }

  @Test
  void projectsAndTokensSurviveARestart() throws Exception {
    String token;
    try (var runtime = LocalRuntime.start(config("h1=unix:///var/run/docker.sock"))) {
      var api = new ApiClient(runtime);
      token = api.adminToken();
      var put =
          api.put(
              "/v1/projects/survivor",
              token,
              """
              {"source": {"type": "perforce", "depotPath": "//depot/survivor/..."},
               "baseImage": "a4c-base:busybox", "parents": ["main"]}
              """);
      assertThat(put.status()).isEqualTo(200);
    }

    try (var runtime = LocalRuntime.start(config("h1=unix:///var/run/docker.sock"))) {
      var reply = new ApiClient(runtime).get("/v1/projects/survivor", token);

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.at("/config/source/depotPath")).isEqualTo("//depot/survivor/...");
    }
  }

  @Test
  void aDaemonSettingOfABareMetalHostHoldsForTheLocalDaemonsToo() throws Exception {
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT,
                "0",
                LocalEnv.DNS_PORT,
                "0",
                LocalEnv.DATA_DIR,
                dataDir.toString(),
                LocalEnv.DOCKER_HOSTS,
                "h1=unix:///var/run/docker.sock",
                "A4C_HOST_CAPACITY",
                "37"));
    try (var runtime = LocalRuntime.start(config)) {
      var api = new ApiClient(runtime);
      String admin = api.adminToken();

      // The daemon's heartbeats carry its capacity (a hard-coded 20 before).
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                var hosts = api.get("/v1/hosts", admin);
                assertThat(hosts.status()).isEqualTo(200);
                assertThat(hosts.at("/items/0/hostId")).isEqualTo("h1");
                assertThat(hosts.at("/items/0/capacity")).isEqualTo("37");
              });
    }
  }

  @Test
  void aDockerEngineThatDoesNotAnswerIsAStartupErrorNamingIt() {
    assertThatThrownBy(() -> LocalRuntime.start(config("h9=unix:///run/a4c/no-such-engine.sock")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("host h9")
        .hasMessageContaining("unix:///run/a4c/no-such-engine.sock")
        .hasMessageContaining("start dockerd");
  }

  @Test
  void aLocalRegistryWithoutItsCredentialsFileIsAStartupErrorSayingToRunEnginesUp() {
    Path missing = dataDir.resolve("no-registry-credentials");
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT, "0",
                LocalEnv.DATA_DIR, dataDir.toString(),
                LocalEnv.REGISTRY_CREDENTIALS_FILE, missing.toString()));

    assertThatThrownBy(() -> LocalRuntime.start(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("run local/engines.sh up");
  }

  @Test
  void aMalformedCredentialsFileIsAStartupErrorThatDoesNotPrintIt() throws Exception {
    Path file = java.nio.file.Files.writeString(dataDir.resolve("creds"), "no-colon-secret\n");
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.PORT, "0",
                LocalEnv.DATA_DIR, dataDir.toString(),
                LocalEnv.REGISTRY_CREDENTIALS_FILE, file.toString()));

    assertThatThrownBy(() -> LocalRuntime.start(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("no-colon-secret");
  }
}
