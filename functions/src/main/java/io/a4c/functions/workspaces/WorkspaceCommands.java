package io.a4c.functions.workspaces;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.SshAccess;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceSpec;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.projects.Project;
import io.a4c.functions.sshkeys.KeySet;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The commands of a workspace, sent to the host it is placed on. All are idempotent on the host (a
 * provisioner cleans up a partial attempt; a missing container counts as deleted; a stopped
 * container stopped again or a running one started again is only reported), so sending one again is
 * always safe. Used by creation, deletion, the lifecycle operations and the stuck sweep; key syncs
 * by {@link WorkspaceKeySync} and {@link WorkspaceReports}.
 */
@Singleton
public final class WorkspaceCommands {
  private final HostCommandSender commands;
  private final IdGenerator ids;
  private final int defaultIdleStopMinutes;

  @Inject
  public WorkspaceCommands(HostCommandSender commands, IdGenerator ids, FunctionsConfig config) {
    this.commands = commands;
    this.ids = ids;
    this.defaultIdleStopMinutes = config.idleStopMinutes();
  }

  /** What the host needs to make the workspace's container of {@code imageRef}. */
  private WorkspaceSpec spec(Workspace workspace, Project project, String imageRef) {
    return project.workspaceSpec(imageRef, workspace.hostname(), defaultIdleStopMinutes);
  }

  /**
   * Asks the workspace's host to create it as {@code project} says (setup, size), set up for SSH as
   * {@code ssh} says (null: without SSH).
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendCreate(Workspace workspace, Project project, SshAccess ssh) {
    var spec = spec(workspace, project, workspace.imageRef());
    commands.send(
        CreateWorkspace.of(
                ids.commandId(),
                workspace.hostId(),
                workspace.workspaceId(),
                workspace.userId(),
                spec)
            .withSsh(ssh));
  }

  /**
   * Asks the workspace's host to remove it.
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendDelete(Workspace workspace) {
    commands.send(
        DeleteWorkspace.of(
            ids.commandId(), workspace.hostId(), workspace.workspaceId(), workspace.userId()));
  }

  /**
   * Asks the workspace's host to stop its container (operation {@code workspace.life()}).
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendStop(Workspace workspace) {
    commands.send(
        StopWorkspace.of(
            ids.commandId(),
            workspace.hostId(),
            workspace.workspaceId(),
            workspace.userId(),
            workspace.life().operation()));
  }

  /**
   * Asks the workspace's host to start its stopped container again.
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendStart(Workspace workspace) {
    commands.send(
        StartWorkspace.of(
            ids.commandId(),
            workspace.hostId(),
            workspace.workspaceId(),
            workspace.userId(),
            workspace.life().operation()));
  }

  /**
   * Asks the workspace's host to replace its container with one of the rebuild's image, keeping its
   * home, set up as {@code project} says and for SSH as {@code ssh} says (null: without).
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendRebuild(Workspace workspace, Project project, SshAccess ssh) {
    commands.send(
        RebuildWorkspace.of(
            ids.commandId(),
            workspace.hostId(),
            workspace.workspaceId(),
            workspace.userId(),
            workspace.life().operation(),
            spec(workspace, project, workspace.life().rebuild().imageRef()),
            ssh));
  }

  /**
   * Asks the workspace's host to make its authorized keys {@code keys}. Idempotent on the host,
   * which also skips a revision older than the one the container holds; a new command id each time,
   * so a later sync of the same revision is not deduplicated away.
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendSyncKeys(Workspace workspace, KeySet keys) {
    commands.send(
        SyncSshKeys.of(
            ids.commandId(),
            workspace.hostId(),
            workspace.workspaceId(),
            workspace.userId(),
            keys.login(),
            keys.authorizedKeys(),
            keys.revision()));
  }
}
