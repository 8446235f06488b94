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
