package io.a4c.functions.sshkeys;

import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * A user's key set as workspaces get it: their login and their keys' authorized_keys lines at the
 * set's revision. Workspace creation puts it into the create command; key changes send it to live
 * workspaces. Thread-safe.
 */
@Singleton
public final class SshKeyring {
  private final SshKeyStore store;

  @Inject
  public SshKeyring(SshKeyStore store) {
    this.store = store;
  }

  /**
   * The user's key set, making their account (login and uid, for good) if this is the first time
   * they are asked for. A user with no keys gets an empty set at revision 0.
   */
  public KeySet forUser(String userId) {
    var held = current(userId); // one read when the account exists, as it does but once per user
    if (held.isPresent()) {
      return held.get();
    }
    store.accountOrCreate(userId, LoginNames.derive(userId));
    return current(userId).orElseThrow();
  }

  /** The user's key set if they have an account; never makes one. */
  public Optional<KeySet> current(String userId) {
    var stored = store.read(userId);
    return stored
        .account()
        .map(
            account ->
                new KeySet(
                    account.login(),
                    stored.keys().stream().map(SshKey::line).toList(),
                    account.keysRevision()));
  }
}
