package io.a4c.functions.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * An SSH CA key in the files {@code A4C_SSH_CA_KEY_FILE} names, as the local runtime makes them.
 */
public final class TestCaKey {
  private TestCaKey() {}

  /** Writes a new P-256 key to {@code file} and its public half to {@code file.pub}. */
  public static Path write(Path file) {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = generator.generateKeyPair();
      Files.createDirectories(file.getParent());
      Files.writeString(file, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
      Files.writeString(
          file.resolveSibling(file.getFileName() + ".pub"),
          Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new key in a temporary directory. */
  public static Path temporary() {
    try {
      return write(Files.createTempDirectory("a4c-ssh-ca").resolve("ca-key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
