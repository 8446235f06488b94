package io.a4c.events;

import java.util.List;
import java.util.Objects;

/**
 * What goes into a build's Dockerfile, snapshotted from the project's configuration when the build
 * is scheduled. Validated again here (the builder's defence in depth): a tool, change or path with
 * shell characters never reaches the template.
 *
 * @param tools Debian package names installed with apt-get
 * @param setup one shell command line each, run in order as RUN steps
 */
public record BuildSpec(
    String baseImage, List<String> tools, List<String> setup, BuildSource source) {
  public BuildSpec {
    Names.require("baseImage", baseImage, Names.IMAGE_REF);
    tools = List.copyOf(Objects.requireNonNullElse(tools, List.of()));
    for (String tool : tools) {
      Names.require("tools", tool, Names.TOOL);
    }
    setup = List.copyOf(Objects.requireNonNullElse(setup, List.of()));
    for (String step : setup) {
      Names.require("setup", step, Names.SETUP_COMMAND);
    }
    Objects.requireNonNull(source, "source");
  }
}
