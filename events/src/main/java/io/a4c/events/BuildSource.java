package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Where a build's sources come from. Every value has passed its rule here, so nothing a shell would
 * interpret can reach a Dockerfile or a command line through it.
 *
 * @param type {@code perforce} or {@code git}
 * @param depotPath for perforce: {@code //depot/path/...}
 * @param url for git: the repository URL
 */
public record BuildSource(String type, String depotPath, String url) {
  public BuildSource {
    if ("perforce".equals(type)) {
      Names.require("source.depotPath", depotPath, Names.DEPOT_PATH);
    } else if ("git".equals(type)) {
      Names.require("source.url", url, Names.GIT_URL);
    } else {
      throw new IllegalArgumentException("source.type must be perforce or git");
    }
  }

  public static BuildSource perforce(String depotPath) {
    return new BuildSource("perforce", depotPath, null);
  }

  public static BuildSource git(String url) {
    return new BuildSource("git", null, url);
  }

  @JsonIgnore
  public boolean isGit() {
    return "git".equals(type);
  }
}
