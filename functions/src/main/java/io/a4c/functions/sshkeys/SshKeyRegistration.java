package io.a4c.functions.sshkeys;

import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.quotas.QuotaExceededException;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Registers (or replaces) one of a user's SSH keys: parses it, stores it and raises the key-set
 * revision in one transaction (at most {@link #MAX_KEYS_PER_USER}), audits it, then sends the new
 * set to the user's live workspaces. A refused key changes nothing. Called by {@code SshKeysApi}
 * ({@code PUT /v1/users/{userId}/ssh-keys/{keyName}}). Thread-safe.
 */
@Singleton
public final class SshKeyRegistration {
  /** The most keys a user may hold. */
  public static final int MAX_KEYS_PER_USER = 20;

  /** What a key's name may be: the path's {@code keyName}. */
  public static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** What a put did, and the key as the API shows it. */
  public record Registered(SshKeyView key, boolean created) {}

  private final SshKeyStore store;
  private final SshKeyring keyring;
  private final KeySetChanges changes;
  private final AuditLog audit;
  private final Clock clock;

  @Inject
  public SshKeyRegistration(
      SshKeyStore store, SshKeyring keyring, KeySetChanges changes, AuditLog audit, Clock clock) {
    this.store = store;
    this.keyring = keyring;
    this.changes = changes;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Stores {@code request}'s key as {@code keyName}.
   *
   * @throws io.a4c.functions.http.InvalidRequestException 400 naming {@code publicKey} when the key
   *     is not one acceptable OpenSSH public key
   * @throws QuotaExceededException 429 when it is a new key and the user holds {@link
   *     #MAX_KEYS_PER_USER} already
   */
  public Registered put(Origin origin, String userId, String keyName, PutSshKeyRequest request) {
    ParsedKey parsed = KeyParser.parse(request.publicKey());
    store.accountOrCreate(userId, LoginNames.derive(userId));
    SshKey key = SshKey.of(userId, keyName, parsed, clock.instant());
    SshKeyStore.PutOutcome outcome;
    try {
      outcome = store.put(key, MAX_KEYS_PER_USER);
    } catch (SshKeyStore.KeyLimitReached e) {
      throw new QuotaExceededException(
          "you hold "
              + MAX_KEYS_PER_USER
              + " SSH keys, the most allowed; delete one or replace one by its name",
          "ssh-key-quota");
    }
    boolean created = outcome == SshKeyStore.PutOutcome.CREATED;
    audit.record(
        origin,
        "ssh-key.put",
        userId,
        "ssh-key:" + keyName,
        Map.of(
            "keyName",
            keyName,
            "fingerprint",
            parsed.fingerprint(),
            "type",
            parsed.type(),
            "outcome",
            created ? "created" : "replaced"));
    keyring.current(userId).ifPresent(keys -> changes.changed(userId, keys));
    return new Registered(SshKeyView.of(key), created);
  }
}
