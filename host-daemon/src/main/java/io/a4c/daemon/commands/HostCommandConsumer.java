package io.a4c.daemon.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.daemon.aws.CommandQueue;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.HostCommand;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.SyncSshKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Takes commands from this host's queue. Messages of one workspace (one message group) run in
 * order; different workspaces run in parallel on virtual threads. A command is deleted only after
 * it was carried out and reported; if the daemon dies first, SQS delivers it again and the
 * provisioner ({@link WorkspaceCommandHandler}), being idempotent, finishes the job. Visibility is
 * extended while a command runs.
 *
 * <p>Commands are read ignoring fields this release does not know ({@link
 * EventJson#messageReader}): a newer functions release may add some. One that cannot be read at all
 * (a command type or version of a later release, or garbage) is not deleted: it is handed back
 * until its queue parks it in the command dead-letter queue ({@link CommandQueue}), from where an
 * operator redrives it once this daemon is upgraded.
 */
@Singleton
public final class HostCommandConsumer {
  private static final Logger log = LoggerFactory.getLogger(HostCommandConsumer.class);

  private final CommandQueue queue;
  private final WorkspaceCommandHandler workspaces;
  private final ObjectReader commands;
  private final String hostId;
  private final ScheduledExecutorService extender =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("visibility-extender").factory());

  @Inject
  public HostCommandConsumer(
      CommandQueue queue,
      WorkspaceCommandHandler workspaces,
      ObjectMapper json,
      DaemonConfig config) {
    this.queue = queue;
    this.workspaces = workspaces;
    this.commands = EventJson.messageReader(json, HostCommand.class);
    this.hostId = config.hostId();
  }

  /** Receives and carries out one batch; returns how many messages it received. */
  public int pollOnce() throws InterruptedException {
    List<Message> messages = queue.receive();
    Map<String, List<Message>> groups = new LinkedHashMap<>();
    for (Message message : messages) {
      String group =
          message
              .attributes()
              .getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, message.messageId());
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(message);
    }
    List<Thread> workers = new ArrayList<>();
    for (List<Message> group : groups.values()) {
      workers.add(Thread.ofVirtual().name("command-", 0).start(() -> runInOrder(group)));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return messages.size();
  }

  /** Stops the visibility extender. */
  public void close() {
    extender.shutdownNow();
  }

  private void runInOrder(List<Message> group) {
    for (Message message : group) {
      if (!run(message)) {
        return; // later commands of this workspace wait for the failed one's redelivery
      }
    }
  }

  private boolean run(Message message) {
    HostCommand command;
    try {
      command = commands.readValue(message.body());
    } catch (IOException | IllegalArgumentException e) {
      log.atError()
          .addKeyValue("messageId", message.messageId())
          .setCause(e)
          .log("unreadable command handed back for the dead-letter queue");
      queue.release(message);
      return false; // its workspace's later commands wait until it is parked
    }
    if (!hostId.equals(command.hostId())) {
      log.atWarn()
          .addKeyValue("messageId", message.messageId())
          .addKeyValue("commandHostId", command.hostId())
          .log("command for another host dropped");
      queue.delete(message);
      return true;
    }
    var keepAlive =
        extender.scheduleAtFixedRate(
            () -> extendQuietly(message),
            queue.visibility().toMillis() / 3,
            queue.visibility().toMillis() / 3,
            TimeUnit.MILLISECONDS);
    try {
      switch (command) {
        case CreateWorkspace create -> workspaces.create(create, receiveCount(message));
        case DeleteWorkspace delete -> workspaces.delete(delete);
        case SyncSshKeys sync -> workspaces.syncKeys(sync);
        case StopWorkspace stop -> workspaces.stop(stop);
        case StartWorkspace start -> workspaces.start(start, receiveCount(message));
        case RebuildWorkspace rebuild -> workspaces.rebuild(rebuild, receiveCount(message));
      }
      queue.delete(message);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (io.a4c.daemon.workspaces.RetryLater e) {
      log.atWarn()
          .addKeyValue("workspaceId", command.workspaceId())
          .log("{}; left for redelivery", e.getMessage());
      return false;
    } catch (Exception e) {
      log.atWarn()
          .addKeyValue("workspaceId", command.workspaceId())
          .addKeyValue("commandId", command.commandId())
          .setCause(e)
          .log("command failed; SQS will deliver it again");
      return false;
    } finally {
      keepAlive.cancel(false);
    }
  }

  private static int receiveCount(Message message) {
    try {
      return Integer.parseInt(
          message
              .attributes()
              .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private void extendQuietly(Message message) {
    try {
      queue.extend(message);
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("messageId", message.messageId())
          .setCause(e)
          .log("visibility not extended");
    }
  }
}
