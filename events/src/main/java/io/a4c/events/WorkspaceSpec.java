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
 * @param idleStopMinutes after how many minutes without an SSH session and with its CPU below the
 *     host's threshold the host stops the workspace on its own; null or 0: never
 */
public record WorkspaceSpec(
    String imageRef,
    String hostname,
    List<String> setup,
    double cpus,
    long memoryMb,
    long pids,
    Integer idleStopMinutes) {
  public WorkspaceSpec {
    if (idleStopMinutes != null && idleStopMinutes < 0) {
      throw new IllegalArgumentException("idleStopMinutes must not be negative");
    }
    Names.require("imageRef", imageRef, Names.IMAGE_REF);
    Names.require("hostname", hostname, Names.DNS_NAME);
    setup = List.copyOf(Objects.requireNonNullElse(setup, List.of()));
    if (cpus <= 0 || memoryMb <= 0 || pids <= 0) {
      throw new IllegalArgumentException("cpus, memoryMb and pids must be positive");
    }
  }

  /** A spec without idle stop. */
  public WorkspaceSpec(
      String imageRef, String hostname, List<String> setup, double cpus, long memoryMb, long pids) {
    this(imageRef, hostname, setup, cpus, memoryMb, pids, null);
  }

  /** The idle stop in minutes; 0 for never. */
  public int idleStopAfterMinutes() {
    return idleStopMinutes == null ? 0 : idleStopMinutes;
  }
}
