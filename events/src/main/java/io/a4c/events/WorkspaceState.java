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
  DELETED,
  /** Stop requested; the host stops the container (kept, with its home) and drops its address. */
  STOPPING,
  /**
   * The container is stopped on its host, its home kept; its host slot is free and its hostname
   * resolves nowhere. Started again by a start; deleted by a delete or, if its project says so,
   * after being stopped for long.
   */
  STOPPED,
  /** Start requested; the host starts the stopped container again and walks the start steps. */
  STARTING,
  /**
   * Rebuild requested; the host replaces the container with one of a newer image, keeping the home
   * volume and hostname, walking the create steps.
   */
  REBUILDING;

  private Set<WorkspaceState> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(CREATING, RUNNING, FAILED, DELETING);
      case CREATING -> EnumSet.of(CREATING, RUNNING, FAILED, DELETING);
      // STOPPED straight from RUNNING: the host stopped an idle workspace on its own.
      case RUNNING -> EnumSet.of(FAILED, DELETING, STOPPING, STOPPED, REBUILDING);
      case FAILED -> EnumSet.of(DELETING, REBUILDING);
      case DELETING -> EnumSet.of(DELETED);
      case DELETED -> EnumSet.noneOf(WorkspaceState.class);
      case STOPPING -> EnumSet.of(STOPPED, FAILED, DELETING);
      case STOPPED -> EnumSet.of(STARTING, REBUILDING, DELETING);
      // STOPPED again: the start failed and the container is still there, stopped.
      case STARTING -> EnumSet.of(STARTING, RUNNING, STOPPED, FAILED, DELETING);
      // RUNNING or STOPPED with the old image: the new one could not be pulled; nothing changed.
      case REBUILDING -> EnumSet.of(REBUILDING, RUNNING, STOPPED, FAILED, DELETING);
    };
  }

  /**
   * Whether a record in this state at {@code currentStep} may move to {@code target} at {@code
   * targetStep}. Within a state that walks steps (CREATING, STARTING, REBUILDING) only a later step
   * counts, so redelivered step events are no-ops.
   */
  public boolean canMoveTo(
      WorkspaceState target, WorkspaceStep currentStep, WorkspaceStep targetStep) {
    if (!next().contains(target)) {
      return false;
    }
    if (this == target) {
      return targetStep != null && (currentStep == null || targetStep.compareTo(currentStep) > 0);
    }
    return true;
  }

  /**
   * Whether this state is work a host has been asked to do and has not finished: the sweeper
   * re-drives it when it stops moving.
   */
  public boolean inFlight() {
    return switch (this) {
      case PENDING, CREATING, DELETING, STOPPING, STARTING, REBUILDING -> true;
      case RUNNING, FAILED, DELETED, STOPPED -> false;
    };
  }
}
