package io.a4c.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.infra.config.DeployContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class A4cAppTest {

  @Test
  void productionRefusesToDeployWithoutTheFunctionsJar(@TempDir Path dir) {
    DeployContext prod = context("prod", dir.resolve("missing.jar"));
    assertThatThrownBy(() -> A4cApp.functionsCode(prod))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing.jar")
        .hasMessageContaining("mvn -pl functions -am package");
  }

  @Test
  void devFallsBackToAPlaceholderWhenTheJarIsMissing(@TempDir Path dir) {
    assertThat(A4cApp.functionsCode(context("dev", dir.resolve("missing.jar")))).isNotNull();
  }

  @Test
  void aJarGivenInContextIsUsed(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("a4c-functions.jar"), "not really a jar");
    assertThat(A4cApp.functionsCode(context("prod", jar))).isNotNull();
  }

  private static DeployContext context(String env, Path jar) {
    Map<String, Object> values =
        Map.of(
            "env", env,
            "jwtIssuer", "https://login.example.com/",
            "jwtAudience", "a4c",
            "senderEmail", "builds@example.com",
            "functionsJar", jar.toString());
    return DeployContext.read(values::get);
  }
}
