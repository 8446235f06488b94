package io.a4c.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Keys the local runtime keeps in its data directory, made on first use, readable by its owner
 * only: what Secrets Manager holds in AWS.
 */
final class LocalSecrets {
  private LocalSecrets() {}

  /**
   * The pagination-token key ({@code page-token-key}), base64; tokens stay good across restarts.
   */
  static String pageTokenKey(Path dataDir) {
    return key(dataDir.resolve("page-token-key"), "the pagination key");
  }

  /**
   * The key a host's events are signed with ({@code host-event-keys/<hostId>}), raw. It outlives a
   * restart as the events it signed do: they wait on the durable host-events queue.
   */
  static byte[] hostEventKey(Path dataDir, String hostId) {
    return Base64.getDecoder()
        .decode(
            key(
                dataDir.resolve("host-event-keys").resolve(hostId),
                "the event key of host " + hostId));
  }

  /**
   * The SSH certificate authority's P-256 key ({@code ssh-ca/ca-key}, PKCS#8, and {@code
   * ssh-ca/ca-key.pub}, X.509, both base64), made once: what KMS holds in AWS. Workspaces' host
   * certificates stay good across restarts, and so does the line users put in known_hosts.
   */
  static Path sshCaKey(Path dataDir) {
    Path file = dataDir.resolve("ssh-ca").resolve("ca-key");
    Path pub = file.resolveSibling("ca-key.pub");
    try {
      if (!Files.exists(file) || !Files.exists(pub)) {
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("ca-key.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        Files.writeString(pub, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        // The private key last, by rename: a crash leaves no key file without its public half.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or make the SSH CA key " + file, e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }

  private static String key(Path file, String what) {
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.createDirectories(file.getParent());
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
            file, Base64.getEncoder().encodeToString(key), StandardOpenOption.TRUNCATE_EXISTING);
      }
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or make " + what + " " + file, e);
    }
  }
}
