package io.a4c.functions.projects;

import io.a4c.events.WorkspaceSpec;
import java.time.Instant;

/** A project as stored and returned: its name, its configuration, when it last changed. */
public record Project(String projectName, ProjectConfig config, Instant updatedAt) {
  /**
   * What a host needs to make a container of this project running {@code imageRef} as {@code
   * hostname}: the setup, the size and the idle stop ({@code defaultIdleStopMinutes} when the
   * project does not say). A workspace's create, rebuild and a warm pool member's fill send it.
   */
  public WorkspaceSpec workspaceSpec(String imageRef, String hostname, int defaultIdleStopMinutes) {
    var size = config.workspaceSize();
    return new WorkspaceSpec(
        imageRef,
        hostname,
        config.setup(),
        size.cpus(),
        size.memoryMb(),
        size.pids(),
        config.lifecycle().idleStopMinutesOr(defaultIdleStopMinutes));
  }
}
