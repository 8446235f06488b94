package io.a4c.events;

import java.util.List;
import java.util.Objects;

/**
 * What a host needs to create a workspace's container: its image, hostname and the project's setup
 * commands, plus the limits that confine it.
 *
 * @param imageRef image to run, as the host's engine names it
 * @param hostname fully qualified hostname, {@code <workspaceId>.<domain>}
 * @param setup shell commands run in order inside the container after it starts
 * @param cpus CPU limit in cores
 * @param memoryMb memory limit in MiB
 * @param pids process limit
 */
public record WorkspaceSpec(
    String imageRef, String hostname, List<String> setup, double cpus, long memoryMb, long pids) {
  public WorkspaceSpec {
    Names.require("imageRef", imageRef, Names.IMAGE_REF);
    Names.require("hostname", hostname, Names.DNS_NAME);
    setup = List.copyOf(Objects.requireNonNullElse(setup, List.of()));
    if (cpus <= 0 || memoryMb <= 0 || pids <= 0) {
      throw new IllegalArgumentException("cpus, memoryMb and pids must be positive");
    }
  }
}
