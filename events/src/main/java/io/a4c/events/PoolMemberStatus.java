package io.a4c.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A host's report on a warm pool member it was told to make ({@link FillPool}): ready (its
 * container runs, set up, at {@code ip}) or failed with the reason (its container and home are
 * removed already). Applied only to a member still being filled, so duplicates change nothing.
 *
 * @param ready true when the member can be claimed; false when making it failed
 */
public record PoolMemberStatus(
    int version,
    String hostId,
    String workspaceId,
    String pool,
    boolean ready,
    String containerId,
    String ip,
    String reason,
    Instant at)
    implements HostEvent {
  public PoolMemberStatus {
    Versions.require("PoolMemberStatus", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.requireText("pool", pool);
    if (ready && (containerId == null || ip == null)) {
      throw new IllegalArgumentException("a ready member has a container and an address");
    }
    Objects.requireNonNull(at, "at");
  }

  /** A version-1 report that the member is ready. */
  public static PoolMemberStatus ready(
      String hostId, String workspaceId, String pool, String containerId, String ip, Instant at) {
    return new PoolMemberStatus(
        Versions.CURRENT, hostId, workspaceId, pool, true, containerId, ip, null, at);
  }

  /** A version-1 report that making the member failed. */
  public static PoolMemberStatus failed(
      String hostId, String workspaceId, String pool, String reason, Instant at) {
    return new PoolMemberStatus(
        Versions.CURRENT, hostId, workspaceId, pool, false, null, null, reason, at);
  }
}
