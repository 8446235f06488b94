package io.a4c.functions.sshkeys;

import io.a4c.events.WorkspaceLogin;
import java.util.List;
import java.util.Objects;

/**
 * What a user's workspaces are set up with for SSH: their login and their public keys as
 * authorized_keys lines, at a revision that grows with every change to the set.
 */
public record KeySet(WorkspaceLogin login, List<String> authorizedKeys, long revision) {
  public KeySet {
    Objects.requireNonNull(login, "login");
    authorizedKeys = List.copyOf(authorizedKeys);
  }
}
