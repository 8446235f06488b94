package io.a4c.daemon.commands;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.SyncSshKeys;

/**
 * Carries out a workspace's commands once {@link HostCommandConsumer} has read and checked them:
 * the {@code WorkspaceProvisioner} on a daemon. An interface so the consumer's queue handling
 * (order, acknowledgement, redelivery) is tested against a queue without a Docker engine.
 */
public interface WorkspaceCommandHandler {
  /**
   * Creates the workspace.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws io.a4c.daemon.workspaces.RetryLater to leave the command on the queue
   */
  void create(CreateWorkspace command, int receiveCount) throws InterruptedException;

  /** Removes the workspace; nothing there is success. */
  void delete(DeleteWorkspace command) throws InterruptedException;

  /** Makes the workspace's authorized keys the command's; no container there is success. */
  void syncKeys(SyncSshKeys command) throws InterruptedException;
}
