package io.a4c.daemon.commands;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.FillPool;
import io.a4c.events.PrefetchImage;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
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

  /** Stops the workspace's container, keeping it and its home; a stopped one is reported again. */
  void stop(StopWorkspace command) throws InterruptedException;

  /**
   * Starts the workspace's stopped container again; a running one is reported again.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws io.a4c.daemon.workspaces.RetryLater to leave the command on the queue
   */
  void start(StartWorkspace command, int receiveCount) throws InterruptedException;

  /**
   * Replaces the workspace's container with one of the command's image, keeping its home.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws io.a4c.daemon.workspaces.RetryLater to leave the command on the queue
   */
  void rebuild(RebuildWorkspace command, int receiveCount) throws InterruptedException;

  /**
   * Pulls a build's image before any workspace asks for it; an image already here is success, and a
   * pull that fails is logged, not thrown: a create placed here pulls the image anyway.
   */
  void prefetch(PrefetchImage command) throws InterruptedException;

  /**
   * Makes a warm pool member: a container of the pool's image, started and set up, nobody's yet.
   *
   * @param receiveCount how often SQS has delivered this command, this time included
   * @throws io.a4c.daemon.workspaces.RetryLater to leave the command on the queue
   */
  void fill(FillPool command, int receiveCount) throws InterruptedException;
}
