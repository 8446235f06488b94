package io.a4c.events;

import java.util.Objects;

/**
 * Make one warm pool member on the host: a workspace's container of the pool's image, created,
 * started and set up, with its home volume, but nobody's yet. Its id is the workspace id the
 * container will serve under once a create claims it (then an ordinary {@link CreateWorkspace} of
 * that id personalises it), so its name, hostname and home volume are already the workspace's.
 * Until claimed, its container and home are labelled {@link #UNCLAIMED} as their user and {@code
 * pool} as their pool. Idempotent on the host: a member already made is only reported again.
 *
 * @param pool the pool's key, {@code <project>#<parent>#<arch>}
 * @param spec the container as a workspace of the pool's project would have it
 */
public record FillPool(
    int version,
    String commandId,
    String hostId,
    String workspaceId,
    String pool,
    WorkspaceSpec spec)
    implements HostCommand {
  /**
   * The user id a pool member's container and home are labelled with until a create claims it: no
   * account, login or keys go with it, and the host reports it under this id.
   */
  public static final String UNCLAIMED = "a4c.pool";

  public FillPool {
    Versions.require("FillPool", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workspaceId", workspaceId, Names.WORKSPACE_ID);
    Names.requireText("pool", pool);
    Objects.requireNonNull(spec, "spec");
  }

  /** A version-1 command. */
  public static FillPool of(
      String commandId, String hostId, String workspaceId, String pool, WorkspaceSpec spec) {
    return new FillPool(Versions.CURRENT, commandId, hostId, workspaceId, pool, spec);
  }

  /** The create steps the host walks for it: a create of the unclaimed user without SSH. */
  public CreateWorkspace asCreate() {
    return CreateWorkspace.of(commandId, hostId, workspaceId, UNCLAIMED, spec);
  }
}
