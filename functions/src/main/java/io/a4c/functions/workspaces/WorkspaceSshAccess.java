package io.a4c.functions.workspaces;

import io.a4c.events.SshAccess;
import io.a4c.functions.sshca.SshCertificateAuthority;
import io.a4c.functions.sshkeys.KeySet;
import io.a4c.functions.sshkeys.SshKeyring;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Issues what a workspace's container is set up with for SSH: the user's login and current keys,
 * and a host key made for this workspace alone with its certificate. Issued at create and again
 * when the sweep re-sends a stuck create (the private key is never stored, so a re-sent create
 * carries a new one, and the record its public half). Nothing without an SSH CA configured.
 */
@Singleton
public final class WorkspaceSshAccess {
  /** The access as stored on the workspace and as sent in its create command. */
  public record Issued(Workspace.Ssh stored, SshAccess command) {}

  private final SshCertificateAuthority ca;
  private final SshKeyring keyring;

  @Inject
  public WorkspaceSshAccess(SshCertificateAuthority ca, SshKeyring keyring) {
    this.ca = ca;
    this.keyring = keyring;
  }

  /** New access for the user's workspace at {@code hostname}; empty when there is no CA. */
  public Optional<Issued> issue(String userId, String workspaceId, String hostname) {
    return issue(Optional.empty(), userId, workspaceId, hostname);
  }

  /**
   * The user's key set as {@link #issue(Optional, String, String, String)} takes it, read ahead and
   * never written: empty when there is no CA or the user has no account yet.
   */
  public Optional<KeySet> heldKeys(String userId) {
    return ca.enabled() ? keyring.current(userId) : Optional.empty();
  }

  /**
   * As {@link #issue(String, String, String)}, with the user's key set when already read ({@link
   * #heldKeys}); when it is empty the user's account is made (or read) now.
   */
  public Optional<Issued> issue(
      Optional<KeySet> held, String userId, String workspaceId, String hostname) {
    if (!ca.enabled()) {
      return Optional.empty();
    }
    var keys = held.orElseGet(() -> keyring.forUser(userId));
    var hostKey = ca.issueHostKey(workspaceId, hostname);
    return Optional.of(
        new Issued(
            Workspace.Ssh.created(keys.login().name(), hostKey.publicKey(), keys.revision()),
            new SshAccess(
                keys.login(),
                keys.authorizedKeys(),
                keys.revision(),
                hostKey.privateKey(),
                hostKey.certificate())));
  }
}
