package io.a4c.functions.projects;

import io.a4c.events.Arch;
import java.time.Instant;

/**
 * A ready image of a project for one parent, arch and change.
 *
 * @param imageRef what a host's engine pulls or runs
 */
public record Image(
    String projectName,
    String parentName,
    Arch arch,
    String change,
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
