package io.a4c.functions.sshkeys;

import java.time.Instant;

/**
 * A key as the API shows it: what identifies it to its owner, not the line itself.
 *
 * @param fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:...})
 * @param comment absent when the key had none
 */
public record SshKeyView(
    String name, String type, String fingerprint, String comment, Instant createdAt) {
  static SshKeyView of(SshKey key) {
    return new SshKeyView(
        key.name(), key.type(), key.fingerprint(), key.comment(), key.createdAt());
  }
}
