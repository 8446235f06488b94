package io.a4c.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A host's report that a workspace's container holds the user's keys of {@code keysRevision}: at
 * create, or after a {@link SyncSshKeys}. Applied as a maximum, so duplicates and late arrivals
 * change nothing.
 */
public record SshKeysApplied(
    int version, String hostId, String workspaceId, String userId, long keysRevision, Instant at)
    implements HostEvent {
  public SshKeysApplied {
    Versions.require("SshKeysApplied", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.require("userId", userId, Names.USER_ID);
    if (keysRevision < 0) {
      throw new IllegalArgumentException("keysRevision must not be negative");
    }
    Objects.requireNonNull(at, "at");
  }

  /** A version-1 report. */
  public static SshKeysApplied of(
      String hostId, String workspaceId, String userId, long keysRevision, Instant at) {
    return new SshKeysApplied(Versions.CURRENT, hostId, workspaceId, userId, keysRevision, at);
  }
}
