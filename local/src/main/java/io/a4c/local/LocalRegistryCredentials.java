package io.a4c.local;

import io.a4c.daemon.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the local registry's credentials, the {@code user:password} line {@code local/engines.sh
 * up} writes (mode 0600) when it gives the registry its htpasswd file. The local daemons send them
 * with each push and pull, as AWS hosts send their ECR token.
 */
final class LocalRegistryCredentials {
  private LocalRegistryCredentials() {}

  /**
   * The credentials in {@code builds.registryCredentialsFile()}, or empty when none is configured
   * (a repository elsewhere, open to all).
   *
   * @throws IllegalStateException naming the file and what to run, when it is missing, unreadable
   *     or malformed
   */
  static Optional<RegistryCredentials> read(LocalConfig.Builds builds) {
    if (builds.registryCredentialsFile().isEmpty()) {
      return Optional.empty();
    }
    Path file = builds.registryCredentialsFile().get();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "the registry "
              + builds.repository().registry()
              + " needs a login and "
              + file
              + " does not exist: run local/engines.sh up (as root; it gives the registry its"
              + " password and writes that file), or set "
              + LocalEnv.REGISTRY_CREDENTIALS_FILE,
          e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the registry credentials "
              + file
              + " ("
              + e
              + "): local/engines.sh writes it for root alone (mode 0600)",
          e);
    }
    int newline = text.indexOf('\n');
    String line = (newline < 0 ? text : text.substring(0, newline)).strip();
    int colon = line.indexOf(':');
    try {
      if (colon > 0) {
        return Optional.of(
            new RegistryCredentials(line.substring(0, colon), line.substring(colon + 1)));
      }
    } catch (IllegalArgumentException e) {
      // reported below, without the line: it holds the password
    }
    throw new IllegalStateException(
        "the registry credentials "
            + file
            + " must hold one line user:password; run local/engines.sh up to write it again");
  }
}
