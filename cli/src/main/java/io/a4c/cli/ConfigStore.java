package io.a4c.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's configuration, {@code $XDG_CONFIG_HOME/a4c/config.json} (else {@code
 * ~/.config/a4c/config.json}): the API's URL and the bearer token. The file holds a credential, so
 * it is written with mode 0600 in a directory of mode 0700, and atomically (a temporary file in the
 * same directory, then a rename): a crash leaves the old file or the new one, never half of one.
 */
public final class ConfigStore {
  /**
   * What {@code login} keeps.
   *
   * @param url the API's base URL, e.g. {@code http://127.0.0.1:8080}
   * @param token the bearer token; null after {@code logout}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Config(String url, String token) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path dir;

  private ConfigStore(Path dir) {
    this.dir = dir;
  }

  /** The store the environment names: {@code XDG_CONFIG_HOME} when set, else {@code HOME}. */
  public static ConfigStore of(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return new ConfigStore(base.resolve("a4c"));
  }

  /** The directory, {@code …/a4c}: the configuration and the SSH known-hosts file. */
  public Path dir() {
    return dir;
  }

  /** The configuration file. */
  public Path file() {
    return dir.resolve("config.json");
  }

  /** The configuration, if any was written. */
  public Optional<Config> read() {
    Path file = file();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Config.class));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          file + " is not a configuration the CLI wrote (" + e.getMessage() + "): log in again");
    }
  }

  /** Writes the configuration: mode 0600, atomically. */
  public void write(Config config) {
    try {
      writePrivate(file(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the configuration (nothing to do when there is none). */
  public void delete() {
    try {
      Files.deleteIfExists(file());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code bytes} to {@code target} with mode 0600, atomically: a temporary file of that
   * mode beside it, then a rename over it. The directory is made with mode 0700 when missing.
   */
  static void writePrivate(Path target, byte[] bytes) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(
          parent,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp =
        Files.createTempFile(
            parent,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
