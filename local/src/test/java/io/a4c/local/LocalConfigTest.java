package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalConfigTest {
  @Test
  void namesUnnamedDockerHostsByPositionAndKeepsNamedOnes() {
    assertThat(
            LocalConfig.parseDockerHosts(
                "unix:///var/run/docker.sock, edge=unix:///run/a4c/h2.sock"))
        .containsExactly(
            Map.entry("h1", "unix:///var/run/docker.sock"),
            Map.entry("edge", "unix:///run/a4c/h2.sock"));
  }

  @Test
  void refusesDuplicateIdsAndEndpointsThatAreNotDockerEndpoints() {
    assertThatThrownBy(() -> LocalConfig.parseDockerHosts("a=unix:///x,a=unix:///y"))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> LocalConfig.parseDockerHosts("http://example"))
        .hasMessageContaining("A4C_DOCKER_HOSTS");
    assertThatThrownBy(() -> LocalConfig.parseDockerHosts(" , "))
        .hasMessageContaining("names no Docker endpoint");
  }

  @Test
  void defaultsToTheLocalSocketOnPort8080() {
    var config = LocalConfig.fromEnvironment(Map.of());

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dockerHosts())
        .containsExactly(Map.entry("h1", "unix:///var/run/docker.sock"));
  }

  @Test
  void passesTheWorkspaceDomainAndTheIdleStopOnToTheFunctions() {
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                "A4C_WORKSPACE_DOMAIN", "dev.example.test",
                "A4C_IDLE_STOP_MINUTES", "30",
                "A4C_HOST_CAPACITY", "4"));

    // README documents both as local settings: the hostnames' domain (which the local DNS server
    // answers for) and the default idle stop are the functions' to read.
    assertThat(config.functionsSettings())
        .containsExactly(
            Map.entry("A4C_IDLE_STOP_MINUTES", "30"),
            Map.entry("A4C_WORKSPACE_DOMAIN", "dev.example.test"));
    assertThat(LocalConfig.fromEnvironment(Map.of()).functionsSettings()).isEmpty();
  }

  @Test
  void readsTheTimingsAndTheEmulatorsSettingsIntoTheirGroups() {
    var config =
        LocalConfig.fromEnvironment(
            Map.of(
                LocalEnv.HEARTBEAT_SECONDS, "2",
                LocalEnv.HOST_DOWN_AFTER_MISSED_BEATS, "4",
                LocalEnv.SWEEP_SECONDS, "7",
                LocalEnv.DYNAMODB_PORT, "8123"));

    assertThat(config.timings().heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.timings().hostStaleAfter()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.timings().sweep()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.emulators()).isEqualTo(new LocalEmulators.Settings(8123, 0, null));
  }

  @Test
  void theLocalRegistrysCredentialsGoToTheLocalRegistryOnlyUnlessAFileIsNamed() {
    assertThat(LocalConfig.fromEnvironment(Map.of()).builds().registryCredentialsFile())
        .as("engines.sh's file, for its registry")
        .contains(Path.of("/var/lib/a4c/registry-credentials"));
    assertThat(
            LocalConfig.fromEnvironment(
                    Map.of(LocalEnv.IMAGE_REPOSITORY, "registry.example.com/a4c-images"))
                .builds()
                .registryCredentialsFile())
        .as("the local registry's password never goes to another registry by default")
        .isEmpty();
    assertThat(
            LocalConfig.fromEnvironment(
                    Map.of(
                        LocalEnv.IMAGE_REPOSITORY, "registry.example.com/a4c-images",
                        LocalEnv.REGISTRY_CREDENTIALS_FILE, "/etc/a4c/example-credentials"))
                .builds()
                .registryCredentialsFile())
        .contains(Path.of("/etc/a4c/example-credentials"));
  }
}
