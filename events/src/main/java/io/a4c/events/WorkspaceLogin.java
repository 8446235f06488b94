package io.a4c.events;

/**
 * What the user's login inside a workspace shares with the image: the group that owns the sources.
 * The builder gives {@code /src} to this group, group-writable, and the workspace's login is made a
 * member of it, so the user can work on the sources the image holds whatever their own uid.
 */
public final class WorkspaceLogin {
  /** The gid of the workspace group, owner of {@code /src} in every image A4C builds. */
  public static final int GID = 2000;

  private WorkspaceLogin() {}
}
