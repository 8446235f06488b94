package io.a4c.functions.warmpool;

import java.time.Instant;

/**
 * One warm pool member as stored: a container its host is making or keeps running for nobody, under
 * the workspace id it will serve as once claimed.
 *
 * @param pool the pool's key, {@code <project>#<parent>#<arch>} ({@link
 *     io.a4c.functions.projects.Image#key})
 * @param memberId the workspace id the member becomes when claimed
 * @param specKey what the container was made with besides its image ({@link WarmPools#specKey}): a
 *     member whose project changed its setup or size since is not claimed but replaced
 * @param containerId its container, once ready
 * @param ip its address, once ready
 * @param claimedBy the user whose create claimed it; null until then
 */
public record PoolMember(
    String pool,
    String memberId,
    String hostId,
    String imageRef,
    String specKey,
    State state,
    String containerId,
    String ip,
    String claimedBy,
    Instant createdAt,
    Instant updatedAt) {
  /** Where a member is. */
  public enum State {
    /** Its host was told to make it; it holds a slot on that host. */
    FILLING,
    /** Its container runs, set up, unclaimed; it holds a slot on its host. */
    READY,
    /**
     * A create took it: the workspace record holds the slot now. Kept a while so the reconciler
     * knows the container is a workspace's even before the host's inventory names its owner.
     */
    CLAIMED
  }

  /** A member its host is about to be told to make. */
  public static PoolMember filling(
      String pool, String memberId, String hostId, String imageRef, String specKey, Instant now) {
    return new PoolMember(
        pool, memberId, hostId, imageRef, specKey, State.FILLING, null, null, null, now, now);
  }

  /** Whether it counts towards its pool's size: made or being made, and unclaimed. */
  public boolean live() {
    return state != State.CLAIMED;
  }
}
