package io.a4c.events;

import java.util.regex.Pattern;

/**
 * A developer's login inside their workspaces: the same name and uid in every one of them, so files
 * in a persistent home keep their owner. The functions derive the name from the user id and assign
 * the uid once, for good; the host writes them into the container's account files.
 *
 * @param name a POSIX login name, lowercase
 * @param uid the user's own uid, also the gid of their personal group
 */
public record WorkspaceLogin(String name, int uid) {
  /** Login names the container's account files accept everywhere (useradd's default rule). */
  public static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  /** The first uid A4C assigns; lower ones belong to the image's own system accounts. */
  public static final int FIRST_UID = 100_000;

  /** The last uid A4C assigns: below the 32-bit range some tools treat as "nobody". */
  public static final int LAST_UID = 1_999_999_999;

  /**
   * The group every workspace login is in: the sources in {@code /src} are group-owned by it and
   * group-writable, and it is the group a project's tools can be opened to.
   */
  public static final int GROUP_ID = 2000;

  /** The name of {@link #GROUP_ID} in the container's {@code /etc/group}. */
  public static final String GROUP_NAME = "a4c";

  public WorkspaceLogin {
    Names.require("login", name, NAME);
    if (uid < FIRST_UID || uid > LAST_UID) {
      throw new IllegalArgumentException("uid must be in " + FIRST_UID + ".." + LAST_UID);
    }
  }
}
