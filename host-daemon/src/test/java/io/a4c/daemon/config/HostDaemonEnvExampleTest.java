package io.a4c.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.registry.RegistryLogin;
import io.a4c.events.Arch;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example environment file shipped with the systemd unit ({@code dist/host-daemon.env.example})
 * stays true: it parses, as systemd reads it, into a valid configuration, and documents every
 * variable {@link DaemonEnv} names.
 */
class HostDaemonEnvExampleTest {
  private static final Path EXAMPLE = Path.of("dist", "host-daemon.env.example");

  @Test
  void theExampleFileParsesIntoAValidConfiguration() throws IOException {
    var config = DaemonConfig.fromEnvironment(readEnvironmentFile(EXAMPLE));

    assertThat(config.hostId()).isEqualTo("h1");
    assertThat(config.hostQueuePrefix()).isEqualTo("a4c-prod-host-");
    assertThat(config.hostEventsQueueUrl()).startsWith("https://sqs.");
    assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/a4c-daemon"));
    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.commandVisibility()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.sqsEndpoint()).as("a real host talks to AWS").isEmpty();
    assertThat(config.imageRepository().orElseThrow().registry())
        .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    assertThat(config.registryLogin())
        .as("an ECR repository logs in to ECR")
        .isEqualTo(RegistryLogin.ECR);
    assertThat(config.builder().enabled()).isTrue();
    assertThat(config.builder().queueUrls())
        .as("one file for hosts of either arch")
        .containsOnlyKeys(Arch.values());
  }

  @Test
  void theExampleFileDocumentsEveryVariableTheDaemonReads()
      throws IOException, IllegalAccessException {
    String text = Files.readString(EXAMPLE);
    List<String> missing = new ArrayList<>();
    for (Field field : DaemonEnv.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String name = (String) field.get(null);
        if (!text.contains(name + "=")) {
          missing.add(name);
        }
      }
    }

    assertThat(missing).isEmpty();
  }

  @Test
  void noValueCarriesACommentSystemdWouldKeepAsPartOfIt() throws IOException {
    assertThat(readEnvironmentFile(EXAMPLE).values())
        .noneMatch(value -> value.contains("#") || value.contains(" "));
  }

  /**
   * Reads a file as systemd's EnvironmentFile= does for the forms the example uses: NAME=value
   * lines, {@code #} and {@code ;} comment lines, blank lines; the value runs to the end of the
   * line, optionally in double quotes.
   */
  static Map<String, String> readEnvironmentFile(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      assertThat(eq).as("a NAME=value line: %s", line).isPositive();
      String value = trimmed.substring(eq + 1);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(trimmed.substring(0, eq), value);
    }
    return env;
  }
}
