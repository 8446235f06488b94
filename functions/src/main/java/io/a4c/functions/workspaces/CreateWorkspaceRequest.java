package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;
import java.util.regex.Pattern;

/**
 * Body of {@code POST /v1/users/{userId}/workspaces}.
 *
 * @param name optional label for the user's own use
 * @param change optional change whose image to use; the newest completed image when absent
 */
public record CreateWorkspaceRequest(
    String projectName, String parentName, String arch, String name, String change) {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,62}");

  public CreateWorkspaceRequest {
    Validation.require(
        "projectName",
        projectName,
        Names.PROJECT_NAME,
        "a lowercase letter, then lowercase letters, digits and - (up to 63)");
    Validation.require(
        "parentName", parentName, Names.PARENT_NAME, "letters, digits and . _ - (up to 64)");
    Validation.require("arch", arch, Pattern.compile(".+"), "amd64 or arm64");
    parse(arch);
    Validation.optional("name", name, NAME, "letters, digits, spaces and . _ - (up to 63)");
    Validation.optional(
        "change", change, Names.CHANGE, "a change number or git revision (letters, digits, . _ -)");
  }

  /** The arch, parsed. */
  public Arch parsedArch() {
    return parse(arch);
  }

  private static Arch parse(String arch) {
    try {
      return Arch.parse(arch);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("arch", "arch must be one of amd64, arm64");
    }
  }
}
