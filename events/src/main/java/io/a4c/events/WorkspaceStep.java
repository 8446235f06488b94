package io.a4c.events;

/**
 * The create steps a host daemon walks, in order. Each one is reported when it completes; a retry
 * after a transient failure starts again from {@link #ACCEPTED} on a clean slate.
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
  REMOVED
}
