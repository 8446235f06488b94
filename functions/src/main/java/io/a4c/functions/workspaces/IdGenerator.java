package io.a4c.functions.workspaces;

/** Makes ids; injected so tests can fix them. Implementations are thread-safe. */
public interface IdGenerator {
  /** A new workspace id matching {@link io.a4c.events.Names#WORKSPACE_ID}, sortable by time. */
  String workspaceId();

  /** A new unique command id. */
  String commandId();
}
