package io.a4c.events;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a workspace. The store's conditional writes use exactly {@link #canMoveTo}, so a
 * duplicate or late event can never move a record backwards.
 */
public enum WorkspaceState {
  /** Written by the API, command sent to the chosen host; the host has not reported yet. */
  PENDING,
  /** The host daemon is walking the create steps; {@link WorkspaceStep} says how far it got. */
  CREATING,
  /** Container running, IP assigned, hostname registered. */
  RUNNING,
  /** Creation failed for good; the reason says which step and why. Can still be deleted. */
  FAILED,
  /** Delete requested; the host removes the container and its hostname entry. */
  DELETING,
  /** The host removed everything; the record is deleted when this is applied. */
  DELETED;

  private Set<WorkspaceState> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(CREATING, RUNNING, FAILED, DELETING);
      case CREATING -> EnumSet.of(CREATING, RUNNING, FAILED, DELETING);
      case RUNNING -> EnumSet.of(FAILED, DELETING);
      case FAILED -> EnumSet.of(DELETING);
      case DELETING -> EnumSet.of(DELETED);
      case DELETED -> EnumSet.noneOf(WorkspaceState.class);
    };
  }

  /**
   * Whether a record in this state at {@code currentStep} may move to {@code target} at {@code
   * targetStep}. Within CREATING only a later step counts, so redelivered step events are no-ops.
   */
  public boolean canMoveTo(
      WorkspaceState target, WorkspaceStep currentStep, WorkspaceStep targetStep) {
    if (!next().contains(target)) {
      return false;
    }
    if (this == CREATING && target == CREATING) {
      return targetStep != null && (currentStep == null || targetStep.compareTo(currentStep) > 0);
    }
    return true;
  }

  /** Whether a workspace in this state still holds (or may still get) a container on its host. */
  public boolean occupiesHost() {
    return this != DELETED;
  }
}
