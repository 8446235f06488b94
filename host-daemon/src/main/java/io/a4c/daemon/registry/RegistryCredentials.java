package io.a4c.daemon.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user name and password of a {@link RegistryLogin#BASIC} login. On a host the password comes
 * from a file readable by the daemon alone ({@link #readingPassword}), never from the environment,
 * so that it shows in no process listing or unit file; the local runtime reads its own file.
 *
 * @param username the user the registry's htpasswd file (or other basic-auth store) knows
 * @param password that user's password
 */
public record RegistryCredentials(String username, String password) {
  public RegistryCredentials {
    if (username == null || username.isBlank() || username.contains(":")) {
      throw new IllegalArgumentException("the registry user name must be set and hold no ':'");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("the registry password is empty");
    }
  }

  /**
   * {@code username} with the first line of {@code passwordFile} as the password.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no password
   */
  public static RegistryCredentials readingPassword(String username, Path passwordFile) {
    String text;
    try {
      text = Files.readString(passwordFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the password file " + passwordFile + " (" + e + ")", e);
    }
    int newline = text.indexOf('\n');
    String password = (newline < 0 ? text : text.substring(0, newline)).strip();
    if (password.isEmpty()) {
      throw new IllegalArgumentException("the password file " + passwordFile + " holds none");
    }
    return new RegistryCredentials(username, password);
  }

  @Override
  public String toString() {
    // Never the password: configurations and credentials end up in logs.
    return "RegistryCredentials[username=" + username + ", password=***]";
  }
}
