package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;
import java.util.regex.Pattern;

/**
 * Body of {@code POST /v1/users/{userId}/image-schedules}.
 *
 * @param imageName the user's label for the image
 * @param project the project to build
 * @param change the source change: a Perforce change number or a git revision
 * @param parentName the stream or branch; the project's first parent when absent
 * @param arch {@code amd64} (default) or {@code arm64}
 */
public record CreateImageScheduleRequest(
    String imageName, String project, String change, String parentName, String arch) {
  static final Pattern IMAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public CreateImageScheduleRequest {
    Validation.require("imageName", imageName, IMAGE_NAME, "letters, digits and . _ - (up to 63)");
    Validation.require(
        "project",
        project,
        Names.PROJECT_NAME,
        "a lowercase letter, then lowercase letters, digits and - (up to 63)");
    Validation.require(
        "change",
        change,
        Names.CHANGE,
        "a change number or git revision (letters, digits, . _ -; no shell characters)");
    Validation.optional(
        "parentName", parentName, Names.PARENT_NAME, "letters, digits and . _ - (up to 64)");
    if (arch != null) {
      parse(arch);
    }
  }

  /** The arch, parsed; amd64 when absent. */
  public Arch parsedArch() {
    return arch == null ? Arch.AMD64 : parse(arch);
  }

  private static Arch parse(String arch) {
    try {
      return Arch.parse(arch);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("arch", "arch must be one of amd64, arm64");
    }
  }
}
