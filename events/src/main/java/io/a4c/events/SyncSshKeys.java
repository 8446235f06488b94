package io.a4c.events;

import java.util.List;
import java.util.Objects;

/**
 * Make a workspace's authorized keys the user's current ones. Sent to every live workspace of a
 * user when their key set changes, in the workspace's message group, so it follows the workspace's
 * create. Idempotent: the host writes the whole set, and skips a revision older than the one the
 * container has; it reports {@link SshKeysApplied} when done.
 */
public record SyncSshKeys(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String userId,
    WorkspaceLogin login,
    List<String> authorizedKeys,
    long keysRevision)
    implements HostCommand {
  public SyncSshKeys {
    Versions.require("SyncSshKeys", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Objects.requireNonNull(login, "login");
    authorizedKeys = SshAccess.requireKeys(authorizedKeys);
    if (keysRevision < 0) {
      throw new IllegalArgumentException("keysRevision must not be negative");
    }
  }

  /** A version-1 command. */
  public static SyncSshKeys of(
      String commandId,
      String hostId,
      String workspaceId,
      String userId,
      WorkspaceLogin login,
      List<String> authorizedKeys,
      long keysRevision) {
    return new SyncSshKeys(
        Versions.CURRENT,
        commandId,
        hostId,
        workspaceId,
        userId,
        login,
        authorizedKeys,
        keysRevision);
  }
}
