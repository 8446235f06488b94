package io.a4c.functions.hosts;

/** Whether a host takes new workspaces. */
public enum HostStatus {
  /** Takes new workspaces while its heartbeat is fresh. */
  ACTIVE,
  /** An admin stopped new placements; what runs there stays. */
  DRAINING,
  /** Its heartbeats stopped; nothing is placed there until it reports again. */
  DOWN
}
