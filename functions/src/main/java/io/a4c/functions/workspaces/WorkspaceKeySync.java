package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.functions.sshkeys.KeySet;
import io.a4c.functions.sshkeys.KeySetChanges;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a user's changed key set to each of their live workspaces: PENDING and CREATING ones (the
 * sync follows the create in the workspace's message group, so the host applies it after the
 * container is made) and RUNNING ones. FAILED and DELETING workspaces have, or will soon have, no
 * container. Best effort per workspace: one that cannot be told now is logged; a PENDING or
 * CREATING one still gets the set when its host reports it RUNNING ({@link WorkspaceReports}), a
 * RUNNING one with the user's next change. Called by the SSH key use cases after their change
 * committed.
 */
@Singleton
public final class WorkspaceKeySync implements KeySetChanges {
  private static final Logger log = LoggerFactory.getLogger(WorkspaceKeySync.class);

  /** States whose workspace has, or is about to get, a container that takes keys. */
  static final Set<WorkspaceState> LIVE =
      Set.of(
          WorkspaceState.PENDING,
          WorkspaceState.CREATING,
          WorkspaceState.RUNNING,
          WorkspaceState.STOPPING,
          WorkspaceState.STOPPED,
          WorkspaceState.STARTING,
          WorkspaceState.REBUILDING);

  private static final int PAGE = 100;

  private final WorkspaceStore workspaces;
  private final WorkspaceCommands commands;

  @Inject
  public WorkspaceKeySync(WorkspaceStore workspaces, WorkspaceCommands commands) {
    this.workspaces = workspaces;
    this.commands = commands;
  }

  @Override
  public void changed(String userId, KeySet keys) {
    String after = null;
    do {
      var page = workspaces.list(userId, PAGE, after);
      for (Workspace workspace : page.items()) {
        if (LIVE.contains(workspace.state())) {
          send(workspace, keys);
        }
      }
      after = page.lastWorkspaceId();
    } while (after != null);
  }

  private void send(Workspace workspace, KeySet keys) {
    try {
      commands.sendSyncKeys(workspace, keys);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspace.workspaceId())
          .addKeyValue("hostId", workspace.hostId())
          .addKeyValue("keysRevision", keys.revision())
          .setCause(e)
          .log("key sync not sent");
    }
  }
}
