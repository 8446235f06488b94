package io.a4c.functions.projects;

import io.a4c.functions.http.InvalidRequestException;

/**
 * The limits a project's workspace containers run under.
 *
 * @param cpus CPU cores (0.1 to 64)
 * @param memoryMb memory in MiB (64 to 262144)
 * @param pids process limit (64 to 65536)
 */
public record WorkspaceSize(double cpus, long memoryMb, long pids) {
  /** What a project gets when it names no size. */
  public static final WorkspaceSize DEFAULT = new WorkspaceSize(2, 4096, 4096);

  public WorkspaceSize {
    if (!(cpus >= 0.1 && cpus <= 64)) {
      throw new InvalidRequestException(
          "workspaceSize.cpus", "workspaceSize.cpus must be from 0.1 to 64");
    }
    if (memoryMb < 64 || memoryMb > 262_144) {
      throw new InvalidRequestException(
          "workspaceSize.memoryMb", "workspaceSize.memoryMb must be from 64 to 262144");
    }
    if (pids < 64 || pids > 65_536) {
      throw new InvalidRequestException(
          "workspaceSize.pids", "workspaceSize.pids must be from 64 to 65536");
    }
  }
}
