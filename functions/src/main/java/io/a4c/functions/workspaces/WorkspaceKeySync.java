package io.a4c.functions.workspaces;

import io.a4c.events.WorkspaceState;
import io.a4c.functions.sshkeys.KeySet;
import io.a4c.functions.sshkeys.KeySetChanges;
import io.a4c.functions.sshkeys.SshKeyStore;
import io.a4c.functions.sshkeys.SshKeyring;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a user's changed key set to each of their live workspaces: PENDING and CREATING ones (the
 * sync follows the create in the workspace's message group, so the host applies it after the
 * container is made) and RUNNING ones. FAILED and DELETING workspaces have, or will soon have, no
 * container. A workspace that cannot be told now is logged and the others are told. The change's
 * transaction marked the user's account pending ({@link SshKeyStore#syncDone}); once every live
 * workspace was told, the mark goes. A sync that failed for some workspace, or never ran (the
 * function died right after the change committed), leaves it, and the sweeper sends the user's
 * current set again ({@link #resendPending}) until one goes through: a deleted key must not stay in
 * a workspace because one send failed. Called by the SSH key use cases after their change
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

  /** The most users one sweep sends key sets to again. */
  static final int RESEND_PER_SWEEP = 100;

  private final WorkspaceStore workspaces;
  private final WorkspaceCommands commands;
  private final SshKeyStore keys;
  private final SshKeyring keyring;

  @Inject
  public WorkspaceKeySync(
      WorkspaceStore workspaces, WorkspaceCommands commands, SshKeyStore keys, SshKeyring keyring) {
    this.workspaces = workspaces;
    this.commands = commands;
    this.keys = keys;
    this.keyring = keyring;
  }

  @Override
  public void changed(String userId, KeySet keySet) {
    sendToAll(userId, keySet);
  }

  /**
   * Sends the set to the user's live workspaces, and marks the sync done if it reached every one;
   * whether it did.
   */
  private boolean sendToAll(String userId, KeySet keySet) {
    boolean allSent = true;
    String after = null;
    do {
      var page = workspaces.list(userId, PAGE, after);
      for (Workspace workspace : page.items()) {
        if (LIVE.contains(workspace.state())) {
          allSent &= send(workspace, keySet);
        }
      }
      after = page.lastWorkspaceId();
    } while (after != null);
    if (allSent) {
      keys.syncDone(userId, keySet.revision());
    }
    return allSent;
  }

  /**
   * Sends the current key set again to the live workspaces of users whose last change may not have
   * reached them all (at most {@link #RESEND_PER_SWEEP}); the sweeper calls it. A send that goes
   * twice is harmless: a host applies only a newer revision than its container holds. When a set
   * still did not reach every workspace (a host's queue refuses sends), the others are sent all the
   * same and it then throws, so the sweep counts an error and the operator's alarm sees it; the
   * mark stays for the next sweep.
   *
   * @return how many users' sets were sent again
   */
  public int resendPending() {
    int resent = 0;
    List<String> unsent = new ArrayList<>();
    for (String userId : keys.syncPending(RESEND_PER_SWEEP)) {
      var current = keyring.current(userId);
      if (current.isPresent()) {
        log.atInfo()
            .addKeyValue("userId", userId)
            .addKeyValue("keysRevision", current.get().revision())
            .log("key set sent again: its last sync did not reach every workspace");
        if (!sendToAll(userId, current.get())) {
          unsent.add(userId);
        }
        resent++;
      }
    }
    if (!unsent.isEmpty()) {
      throw new IllegalStateException(
          "key sets sent again did not reach every workspace of " + unsent + "; sent next sweep");
    }
    return resent;
  }

  /** Sends the set to one workspace; whether it went. */
  private boolean send(Workspace workspace, KeySet keySet) {
    try {
      commands.sendSyncKeys(workspace, keySet);
      return true;
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspace.workspaceId())
          .addKeyValue("hostId", workspace.hostId())
          .addKeyValue("keysRevision", keySet.revision())
          .setCause(e)
          .log("key sync not sent; the sweeper sends it again");
      return false;
    }
  }
}
