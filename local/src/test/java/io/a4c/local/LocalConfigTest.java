package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
