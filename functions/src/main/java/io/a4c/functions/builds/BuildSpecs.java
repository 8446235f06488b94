package io.a4c.functions.builds;

import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.projects.ProjectConfig;

/** A build's spec, snapshotted from its project's configuration when it is scheduled. */
final class BuildSpecs {
  private BuildSpecs() {}

  /**
   * The spec of a project's builds.
   *
   * @throws InvalidRequestException when the stored configuration breaks a rule the builder
   *     enforces (it was written before the rule existed): nothing is scheduled
   */
  static BuildSpec of(ProjectConfig config) {
    try {
      var source =
          config.source().type().equals("git")
              ? BuildSource.git(config.source().url())
              : BuildSource.perforce(config.source().depotPath());
      return new BuildSpec(config.baseImage(), config.tools(), config.setup(), source);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "project", "the project's configuration cannot be built: " + e.getMessage());
    }
  }
}
