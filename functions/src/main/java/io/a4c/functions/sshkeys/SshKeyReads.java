package io.a4c.functions.sshkeys;

import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Lists a user's SSH keys, by name, without paging (there are at most {@link
 * SshKeyRegistration#MAX_KEYS_PER_USER}). Called by {@code SshKeysApi} ({@code GET
 * /v1/users/{userId}/ssh-keys}). Reads only: listing makes no account. Thread-safe.
 */
@Singleton
public final class SshKeyReads {
  private final SshKeyStore store;

  @Inject
  public SshKeyReads(SshKeyStore store) {
    this.store = store;
  }

  public SshKeyList list(String userId) {
    return new SshKeyList(store.read(userId).keys().stream().map(SshKeyView::of).toList());
  }
}
