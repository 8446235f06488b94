package io.a4c.functions.sshkeys;

/**
 * Told after a user's key set changed and the change committed, so their workspaces get it. The
 * workspaces package implements it (it knows which workspaces are live and how to command their
 * hosts); this package only calls it, so the dependency runs one way: workspaces on sshkeys.
 */
public interface KeySetChanges {
  /**
   * Sends {@code keys} to every live workspace of {@code userId}. Best effort, never throws: a
   * workspace that cannot be told now is logged (see the implementation for how it catches up).
   */
  void changed(String userId, KeySet keys);
}
