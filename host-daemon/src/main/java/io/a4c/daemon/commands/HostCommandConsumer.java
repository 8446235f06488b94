package io.a4c.daemon.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.daemon.aws.CommandQueue;
import io.a4c.daemon.aws.SqsLeases;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.EventJson;
import io.a4c.events.FillPool;
import io.a4c.events.HostCommand;
import io.a4c.events.PrefetchImage;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.SyncSshKeys;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Takes commands from this host's queue. Messages of one workspace (one message group) run in
 * order, one at a time; different workspaces run in parallel on a bounded pool ({@link
 * DaemonConfig#commandConcurrency()} at once), so a slow pull or setup of one workspace never holds
 * another's create or delete. Receiving goes on while commands run, as long as fewer than twice the
 * pool's size are in hand. A command is deleted only after it was carried out and reported; if the
 * daemon dies first, SQS delivers it again and the provisioner ({@link WorkspaceCommandHandler}),
 * being idempotent, finishes the job. Visibility is extended ({@link SqsLeases}) from receipt until
 * the command ends; a command SQS hands out again while it still runs here (its visibility ran out
 * anyway) is not started twice.
 *
 * <p>Commands are read ignoring fields this release does not know ({@link
 * EventJson#messageReader}): a newer functions release may add some. One that cannot be read at all
 * (a command type or version of a later release, or garbage) is not deleted: it is handed back
 * until its queue parks it in the command dead-letter queue ({@link CommandQueue}), from where an
 * operator redrives it once this daemon is upgraded.
 *
 * <p>Prefetches ({@link PrefetchImage}) share one message group per host, so the pool pulls at most
 * one prefetched image at a time and never more than one slot goes to them.
 */
@Singleton
public final class HostCommandConsumer {
  private static final Logger log = LoggerFactory.getLogger(HostCommandConsumer.class);

  private final CommandQueue queue;
  private final WorkspaceCommandHandler workspaces;
  private final ObjectReader commands;
  private final SqsLeases leases;
  private final String hostId;
  private final int concurrency;
  private final ExecutorService pool;
  private final CommandsInHand workspacesInHand;

  /** The commands in hand, per message group, oldest first; a group present is being worked. */
  private final Map<String, Deque<SqsLeases.Lease>> groups = new HashMap<>();

  private int inHand;

  @Inject
  public HostCommandConsumer(
      CommandQueue queue,
      WorkspaceCommandHandler workspaces,
      ObjectMapper json,
      SqsLeases leases,
      DaemonConfig config,
      CommandsInHand workspacesInHand) {
    this(
        queue,
        workspaces,
        json,
        leases,
        config,
        workspacesInHand,
        Executors.newFixedThreadPool(
            config.commandConcurrency(),
            Thread.ofVirtual().name("command-" + config.hostId() + "-", 0).factory()));
  }

  /** Runs the commands on {@code pool} (which {@link #close} shuts down); for tests. */
  HostCommandConsumer(
      CommandQueue queue,
      WorkspaceCommandHandler workspaces,
      ObjectMapper json,
      SqsLeases leases,
      DaemonConfig config,
      CommandsInHand workspacesInHand,
      ExecutorService pool) {
    this.workspacesInHand = workspacesInHand;
    this.queue = queue;
    this.workspaces = workspaces;
    this.commands = EventJson.messageReader(json, HostCommand.class);
    this.leases = leases;
    this.hostId = config.hostId();
    this.concurrency = config.commandConcurrency();
    this.pool = pool;
  }

  /**
   * Receives one batch and hands its commands to the pool, without waiting for them; returns how
   * many messages it received. With {@code 2 × concurrency} commands in hand it receives nothing
   * and waits a moment instead.
   */
  public int pollOnce() throws InterruptedException {
    int room;
    synchronized (this) {
      room = Math.min(10, 2 * concurrency - inHand);
    }
    if (room <= 0) {
      Thread.sleep(100);
      return 0;
    }
    List<Message> messages = queue.receive(room);
    take(messages);
    return messages.size();
  }

  /** Commands received and not yet ended (running or waiting behind their workspace's). */
  public synchronized int inHand() {
    return inHand;
  }

  /** Stops the pool: running commands are interrupted and come back through SQS. */
  public void close() {
    pool.shutdownNow();
  }

  /**
   * Puts a batch in hand as one, and only then starts its new groups. SQS hands out several
   * messages of one group in a batch; were they taken one by one, the group's first could fail and
   * end its group before the next was in hand, which would then start a group of its own and run
   * ahead of the failed one's redelivery (a delete before the create it follows).
   */
  private void take(List<Message> messages) {
    List<String> started = new ArrayList<>();
    synchronized (this) {
      for (Message message : messages) {
        String group =
            message
                .attributes()
                .getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, message.messageId());
        if (putInHand(group, message)) {
          started.add(group);
        }
      }
    }
    for (String group : started) {
      pool.execute(() -> runInOrder(group));
    }
  }

  /**
   * Puts {@code message} in hand behind its group's, holding this consumer's lock; whether the
   * group is new.
   */
  private boolean putInHand(String group, Message message) {
    Deque<SqsLeases.Lease> pending = groups.get(group);
    if (pending != null) {
      for (SqsLeases.Lease lease : pending) {
        if (lease.message().messageId().equals(message.messageId())) {
          lease.received(message); // handed out again while here: not a second run
          return false;
        }
      }
    }
    var lease = leases.hold(message, queue.visibility(), queue::extend);
    inHand++;
    if (pending != null) {
      pending.addLast(lease);
      return false;
    }
    pending = new ArrayDeque<>();
    pending.addLast(lease);
    groups.put(group, pending);
    workspacesInHand.taken(group);
    return true;
  }

  /** Runs the group's commands in order until none is left or one fails. */
  private void runInOrder(String group) {
    while (true) {
      SqsLeases.Lease next;
      List<SqsLeases.Lease> later;
      synchronized (this) {
        Deque<SqsLeases.Lease> pending = groups.get(group);
        next = pending.peekFirst();
        later = pending.stream().skip(1).toList();
      }
      boolean done;
      try {
        done = run(next, later);
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("messageId", next.message().messageId())
            .setCause(e)
            .log("command not acknowledged; SQS will deliver it again");
        done = false;
      } finally {
        next.close();
      }
      List<Message> behind = List.of();
      boolean finished;
      synchronized (this) {
        Deque<SqsLeases.Lease> pending = groups.get(group);
        if (done) {
          pending.removeFirst();
          inHand--;
        } else {
          // Later commands of this workspace wait for the failed one's redelivery: let them all
          // come back in order once their visibility runs out.
          pending.forEach(SqsLeases.Lease::close);
          behind = pending.stream().skip(1).map(SqsLeases.Lease::message).toList();
          inHand -= pending.size();
          pending.clear();
        }
        finished = pending.isEmpty();
        if (finished) {
          groups.remove(group);
          workspacesInHand.ended(group);
        }
      }
      hideInOrder(behind); // outside the lock: SQS calls
      if (finished) {
        return;
      }
    }
  }

  /**
   * Hides the commands that were behind a failed one of their workspace each a second longer than
   * the one before, all longer than the failed one (hidden for at most one visibility): they come
   * back after it and in order. Best effort: one whose visibility cannot be changed comes back when
   * its own runs out.
   */
  private void hideInOrder(List<Message> behind) {
    for (int i = 0; i < behind.size(); i++) {
      try {
        queue.hide(behind.get(i), queue.visibility().plusSeconds(i + 1L));
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("messageId", behind.get(i).messageId())
            .log("could not hide a command behind a failed one: {}", e.toString());
      }
    }
  }

  private boolean run(SqsLeases.Lease lease, List<SqsLeases.Lease> later) {
    Message message = lease.message();
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
    if (superseded(command, later)) {
      log.atInfo()
          .addKeyValue("workspaceId", command.workspaceId())
          .addKeyValue("commandId", command.commandId())
          .log("keys sync skipped: a later command of the workspace in hand makes it moot");
      queue.delete(message);
      return true;
    }
    try {
      switch (command) {
        case CreateWorkspace create -> workspaces.create(create, receiveCount(message));
        case DeleteWorkspace delete -> workspaces.delete(delete);
        case SyncSshKeys sync -> workspaces.syncKeys(sync);
        case StopWorkspace stop -> workspaces.stop(stop);
        case StartWorkspace start -> workspaces.start(start, receiveCount(message));
        case RebuildWorkspace rebuild -> workspaces.rebuild(rebuild, receiveCount(message));
        case PrefetchImage prefetch -> workspaces.prefetch(prefetch);
        case FillPool fill -> workspaces.fill(fill, receiveCount(message));
      }
      queue.delete(lease.message());
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
    }
  }

  /**
   * Whether {@code command} is a key sync that a later command of its workspace already in hand
   * makes moot: a key sync of the same or a newer revision (each carries the whole key set), or the
   * workspace's delete. Under a burst of key changes a workspace's syncs queue up behind a slow
   * one, and its delete behind them all; only the last sync needs to run. A later command that
   * cannot be read, or is another host's, supersedes nothing.
   */
  private boolean superseded(HostCommand command, List<SqsLeases.Lease> later) {
    if (!(command instanceof SyncSshKeys sync)) {
      return false;
    }
    for (SqsLeases.Lease lease : later) {
      HostCommand after;
      try {
        after = commands.readValue(lease.message().body());
      } catch (IOException | IllegalArgumentException e) {
        continue;
      }
      if (!hostId.equals(after.hostId()) || !sync.workspaceId().equals(after.workspaceId())) {
        continue;
      }
      if (after instanceof DeleteWorkspace
          || (after instanceof SyncSshKeys newer && newer.keysRevision() >= sync.keysRevision())) {
        return true;
      }
    }
    return false;
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
}
