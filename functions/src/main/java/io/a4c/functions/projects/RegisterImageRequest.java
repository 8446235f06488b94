package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;

/**
 * Body of {@code POST /v1/projects/{projectName}/images}: registers an image built elsewhere as the
 * project's image for a parent, arch and change.
 */
public record RegisterImageRequest(String parentName, String arch, String change, String imageRef) {
  public RegisterImageRequest {
    Validation.require(
        "parentName", parentName, Names.PARENT_NAME, "letters, digits and . _ - (up to 64)");
    Validation.require(
        "change", change, Names.CHANGE, "a change number or git revision (letters, digits, . _ -)");
    Validation.require("imageRef", imageRef, Names.IMAGE_REF, "a Docker image reference");
    Validation.require("arch", arch, java.util.regex.Pattern.compile(".+"), "amd64 or arm64");
    parsedArch(arch);
  }

  /** The arch, parsed. */
  public Arch parsedArch() {
    return parsedArch(arch);
  }

  private static Arch parsedArch(String arch) {
    try {
      return Arch.parse(arch);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("arch", "arch must be one of amd64, arm64");
    }
  }
}
