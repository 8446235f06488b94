package io.a4c.functions.sshkeys;

import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Removes one of a user's SSH keys and raises the key-set revision in one transaction, audits it,
 * then sends the remaining set to the user's live workspaces, so the key stops opening them. Called
 * by {@code SshKeysApi} ({@code DELETE /v1/users/{userId}/ssh-keys/{keyName}}). Thread-safe.
 */
@Singleton
public final class SshKeyRemoval {
  private final SshKeyStore store;
  private final SshKeyring keyring;
  private final KeySetChanges changes;
  private final AuditLog audit;

  @Inject
  public SshKeyRemoval(
      SshKeyStore store, SshKeyring keyring, KeySetChanges changes, AuditLog audit) {
    this.store = store;
    this.keyring = keyring;
    this.changes = changes;
    this.audit = audit;
  }

  /**
   * Removes the key.
   *
   * @throws SshKeyNotFoundException 404 when the user has no key of that name
   */
  public void delete(Origin origin, String userId, String keyName) {
    SshKey key = store.key(userId, keyName).orElseThrow(() -> new SshKeyNotFoundException(keyName));
    if (!store.delete(userId, keyName)) {
      throw new SshKeyNotFoundException(keyName);
    }
    audit.record(
        origin,
        "ssh-key.delete",
        userId,
        "ssh-key:" + keyName,
        Map.of("keyName", keyName, "fingerprint", key.fingerprint(), "type", key.type()));
    keyring.current(userId).ifPresent(keys -> changes.changed(userId, keys));
  }
}
