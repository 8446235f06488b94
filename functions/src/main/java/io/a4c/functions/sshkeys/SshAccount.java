package io.a4c.functions.sshkeys;

import io.a4c.events.WorkspaceLogin;

/**
 * What a user's workspaces know them by: their login (name and uid, assigned once, for good), how
 * many keys they hold and the revision of their key set, which every key put or delete raises in
 * the same transaction.
 */
public record SshAccount(String userId, WorkspaceLogin login, long keysRevision, int keyCount) {}
