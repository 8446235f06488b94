package io.a4c.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a host's reconciler reports now and then: every container labelled as A4C's on its engine.
 * The consumer compares it with the records placed on that host and repairs either side.
 */
public record HostInventory(int version, String hostId, List<Entry> containers, Instant at)
    implements HostEvent {
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
   */
  public record Entry(
      String workspaceId,
      String userId,
      String containerId,
      String state,
      Instant createdAt,
      String ip,
      Boolean hostnameRegistered) {
    public Entry {
      Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
      Names.require("userId", userId, Names.USER_ID);
      Names.requireText("containerId", containerId);
      Objects.requireNonNull(createdAt, "createdAt");
    }
  }

  public HostInventory {
    Versions.require("HostInventory", version);
    Names.require("hostId", hostId, Names.HOST_ID);
    containers = List.copyOf(Objects.requireNonNullElse(containers, List.of()));
    Objects.requireNonNull(at, "at");
  }

  /** A version-1 inventory. */
  public static HostInventory of(String hostId, List<Entry> containers, Instant at) {
    return new HostInventory(Versions.CURRENT, hostId, containers, at);
  }
}
