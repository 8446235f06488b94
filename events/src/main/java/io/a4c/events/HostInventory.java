package io.a4c.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a host's reconciler reports now and then: every container and home volume labelled as A4C's
 * on its engine. The consumer compares it with the records placed on that host and repairs either
 * side.
 *
 * @param at when the host began to read its engine for it: all it lists was read then or later
 * @param homes the home volumes on the host; null from daemons older than home volumes
 */
public record HostInventory(
    int version, String hostId, List<Entry> containers, Instant at, List<Home> homes)
    implements HostEvent {
  /**
   * One workspace's home volume.
   *
   * @param createdAt when the engine made it; the reconciler leaves young volumes alone
   */
  public record Home(String workspaceId, String userId, String volume, Instant createdAt) {
    public Home {
      Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
      Names.require("userId", userId, Names.USER_ID);
      Names.requireText("volume", volume);
      Objects.requireNonNull(createdAt, "createdAt");
    }
  }

  /**
   * One A4C container.
   *
   * @param state Docker's state: created, running, exited, …
   * @param createdAt when the engine created it; the reconciler leaves young containers alone
   * @param ip its address now, when it is running (a container the engine restarted may have a new
   *     one); null otherwise, and from daemons older than this field
   * @param hostnameRegistered whether the host's hostname entry for the workspace points at {@code
   *     ip}: the daemon writes it only after the create's last step before RUNNING, so true means
   *     the create walked to its end (a redelivered create would only report it RUNNING); null from
   *     daemons older than this field
   * @param lastActiveAt when the host last saw the workspace in use (an SSH session, or CPU above
   *     its idle threshold); null when it does not watch it (stopped, or no idle stop asked)
   * @param finishedAt for a container that is not running: when it stopped, as the engine says;
   *     null otherwise, or unknown
   * @param pool the warm pool the container was made for ({@link FillPool#pool()}); null for a
   *     container made by a workspace's own create. With {@code userId} {@link FillPool#UNCLAIMED}
   *     it is a member no create has claimed yet; once claimed, {@code userId} is its owner's
   */
  public record Entry(
      String workspaceId,
      String userId,
      String containerId,
      String state,
      Instant createdAt,
      String ip,
      Boolean hostnameRegistered,
      Instant lastActiveAt,
      Instant finishedAt,
      String pool) {
    public Entry {
      Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
      Names.require("userId", userId, Names.USER_ID);
      Names.requireText("containerId", containerId);
      Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A workspace's own container (no pool). */
    public Entry(
        String workspaceId,
        String userId,
        String containerId,
        String state,
        Instant createdAt,
        String ip,
        Boolean hostnameRegistered,
        Instant lastActiveAt,
        Instant finishedAt) {
      this(
          workspaceId,
          userId,
          containerId,
          state,
          createdAt,
          ip,
          hostnameRegistered,
          lastActiveAt,
          finishedAt,
          null);
    }

    /** Whether this is a warm pool member no create has claimed yet. */
    public boolean unclaimedPoolMember() {
      return pool != null && FillPool.UNCLAIMED.equals(userId);
    }
  }

  public HostInventory {
    Versions.require("HostInventory", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    containers = List.copyOf(Objects.requireNonNullElse(containers, List.of()));
    Objects.requireNonNull(at, "at");
    homes = homes == null ? null : List.copyOf(homes);
  }

  /** A version-1 inventory without home volumes. */
  public static HostInventory of(String hostId, List<Entry> containers, Instant at) {
    return new HostInventory(Versions.CURRENT, hostId, containers, at, null);
  }

  /** A version-1 inventory with the host's home volumes. */
  public static HostInventory of(
      String hostId, List<Entry> containers, Instant at, List<Home> homes) {
    return new HostInventory(Versions.CURRENT, hostId, containers, at, homes);
  }
}
