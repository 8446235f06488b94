package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.functions.dns.WorkspaceDns;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Keeps a workspace's hostname resolving to its address: published from the moment the record has
 * an IP while CREATING or RUNNING, withdrawn when the record fails or goes. The use cases call it
 * around their own writes, in the order that keeps a failed DNS write retried (see
 * docs/failure-handling.md): publish after the record's write, and again on a repeated report;
 * withdraw before the record's write, so a retry still finds what to withdraw. Withdrawing is
 * conditional on the address, so it never takes away an address the reconciler moved the record to.
 * Thread-safe.
 */
@Singleton
public final class WorkspaceHostnames {
  private final WorkspaceDns dns;

  @Inject
  public WorkspaceHostnames(WorkspaceDns dns) {
    this.dns = dns;
  }

  /**
   * Points the workspace's hostname at its address, if it has one and is RUNNING or on its way
   * there (CREATING, STARTING, REBUILDING). A stopped workspace has no address: it resolves
   * nowhere.
   */
  void publish(Workspace workspace) {
    if (resolves(workspace)) {
      dns.upsert(workspace.hostname(), workspace.ip());
    }
  }

  /** Removes the workspace's record, if it has an address, unless it points elsewhere now. */
  void withdraw(Workspace workspace) {
    if (workspace.ip() != null && workspace.hostname() != null) {
      dns.delete(workspace.hostname(), workspace.ip());
    }
  }

  /** Whether the workspace's hostname should resolve. */
  static boolean resolves(Workspace workspace) {
    return workspace.ip() != null
        && workspace.hostname() != null
        && (workspace.state() == WorkspaceState.CREATING
            || workspace.state() == WorkspaceState.STARTING
            || workspace.state() == WorkspaceState.REBUILDING
            || workspace.state() == WorkspaceState.RUNNING);
  }
}
