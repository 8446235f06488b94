package io.a4c.functions.sshkeys;

import java.time.Instant;

/**
 * A user's public key as stored. The API shows it as a {@link SshKeyView}, without the line.
 *
 * @param name the user's name for it, unique per user (the path's {@code keyName})
 * @param line the canonical authorized_keys line hosts write
 */
public record SshKey(
    String userId,
    String name,
    String type,
    String fingerprint,
    String comment,
    String line,
    Instant createdAt) {

  /** The key {@code parsed} under {@code name}, registered at {@code at}. */
  static SshKey of(String userId, String name, ParsedKey parsed, Instant at) {
    return new SshKey(
        userId, name, parsed.type(), parsed.fingerprint(), parsed.comment(), parsed.line(), at);
  }
}
