package io.a4c.functions.projects;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;
import java.util.regex.Pattern;

/**
 * Where a project's sources come from: a Perforce depot path, where the parents' streams are (a
 * build syncs {@code p4 sync <depotPath>/<parent>/...@<change>}), or a git repository URL (cloned
 * and checked out at the change, which must be on the parent branch).
 *
 * @param type {@code perforce} or {@code git}
 */
public record ProjectSource(String type, String depotPath, String url) {
  /** The contracts' rules: no spaces or shell characters, no {@code ..} path segment. */
  static final Pattern DEPOT_PATH = Names.DEPOT_PATH;

  static final Pattern GIT_URL = Names.GIT_URL;

  public ProjectSource {
    if ("perforce".equals(type)) {
      Validation.require(
          "source.depotPath", depotPath, DEPOT_PATH, "a depot path like //depot/project/...");
      if (url != null) {
        throw new InvalidRequestException(
            "source.url", "a perforce source takes depotPath, not url");
      }
    } else if ("git".equals(type)) {
      Validation.require(
          "source.url",
          url,
          GIT_URL,
          "an http(s), ssh, git or file URL without spaces or shell characters");
      if (depotPath != null) {
        throw new InvalidRequestException(
            "source.depotPath", "a git source takes url, not depotPath");
      }
    } else {
      throw new InvalidRequestException("source.type", "source.type must be perforce or git");
    }
  }

  /** Whether builds sync from Perforce (else they clone git). Not a property of the stored JSON. */
  @JsonIgnore
  public boolean isPerforce() {
    return "perforce".equals(type);
  }
}
