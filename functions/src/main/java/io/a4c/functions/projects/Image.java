package io.a4c.functions.projects;

import io.a4c.events.Arch;
import java.time.Instant;

/**
 * A ready image of a project for one parent, arch and change.
 *
 * @param position where the change stands in its parent's history (Perforce: the change number;
 *     git: the commit's {@code rev-list --count}, which its builder reports); 0 when unknown. The
 *     parent's default image is the one of the greatest position, so building an older change never
 *     moves it back
 * @param imageRef what a host's engine pulls or runs
 */
public record Image(
    String projectName,
    String parentName,
    Arch arch,
    String change,
    long position,
    String imageRef,
    String status,
    Instant createdAt) {
  /** The only status an image reaches workspaces in. */
  public static final String COMPLETED = "COMPLETED";

  /** The partition key shared by every change of a project's parent and arch. */
  public static String key(String projectName, String parentName, Arch arch) {
    return projectName + "#" + parentName + "#" + arch.wireName();
  }
}
