package io.a4c.events;

/**
 * The steps a host daemon walks, in order: create and rebuild walk them all from ACCEPTED, a start
 * from STARTED, a stop reports CONTAINER_STOPPED and a delete REMOVED. Each one is reported when it
 * completes; a retry after a transient failure starts again from {@link #ACCEPTED} on a clean
 * slate.
 */
public enum WorkspaceStep {
  /** The daemon took the command. */
  ACCEPTED,
  /** The container exists (created, not started). */
  CONTAINER_CREATED,
  /** The container is running. */
  STARTED,
  /** The project's setup commands ran inside the container. */
  SETUP_DONE,
  /** The container's IP address is known. */
  IP_ASSIGNED,
  /** The hostname entry maps the workspace hostname to its IP. */
  HOSTNAME_REGISTERED,
  /** Delete: container and hostname entry removed. */
  REMOVED,
  /** Stop: the container is stopped (kept, with its home) and its hostname entry removed. */
  CONTAINER_STOPPED
}
