package io.a4c.daemon.workspaces;

import io.a4c.events.WorkspaceStep;

/**
 * Told each time a create step of a workspace completed and its report was sent (or, for a progress
 * step, queued: {@link StepReports}). Production binds {@link #NONE}; fault-injection tests use it
 * to stop a daemon at an exact step, which is the one fault they cannot cause from outside with the
 * right timing.
 */
@FunctionalInterface
public interface StepObserver {
  StepObserver NONE = (workspaceId, step) -> {};

  void completed(String workspaceId, WorkspaceStep step);

  /** Told when a key sync wrote a workspace's keys, before the host reports it. */
  default void keysWritten(String workspaceId, long revision) {}
}
