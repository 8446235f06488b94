package io.a4c.functions.workspaces;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.SshAccess;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceSpec;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.projects.Project;
import io.a4c.functions.sshkeys.KeySet;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The create and delete commands of a workspace, sent to the host it is placed on. Both are
 * idempotent on the host (a provisioner cleans up a partial attempt; a missing container counts as
 * deleted), so sending one again is always safe. Used by creation, deletion and the stuck sweep;
 * key syncs by {@link WorkspaceKeySync} and {@link WorkspaceReports}.
 */
@Singleton
public final class WorkspaceCommands {
  private final HostCommandSender commands;
  private final IdGenerator ids;

  @Inject
  public WorkspaceCommands(HostCommandSender commands, IdGenerator ids) {
    this.commands = commands;
    this.ids = ids;
  }

  /**
   * Asks the workspace's host to create it as {@code project} says (setup, size), set up for SSH as
   * {@code ssh} says (null: without SSH).
   *
   * @throws io.a4c.functions.http.ProblemException 503 when the command cannot be sent
   */
  public void sendCreate(Workspace workspace, Project project, SshAccess ssh) {
    var size = project.config().workspaceSize();
    var spec =
        new WorkspaceSpec(
            workspace.imageRef(),
            workspace.hostname(),
            project.config().setup(),
            size.cpus(),
            size.memoryMb(),
            size.pids());
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
