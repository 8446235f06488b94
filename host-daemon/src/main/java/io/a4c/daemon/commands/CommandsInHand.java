package io.a4c.daemon.commands;

import io.a4c.events.Names;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The workspaces (warm pool members included) whose commands this daemon has received and not yet
 * ended: being carried out, waiting for a free command thread, or waiting behind an earlier command
 * of the same workspace. {@link HostCommandConsumer} keeps it; every heartbeat lists it ({@code
 * Heartbeat.workingOn}), so the sweeper tells a command that is slow on a busy host from one that
 * was lost. Prefetches, which belong to no workspace, are not in it. Thread-safe.
 */
@Singleton
public final class CommandsInHand {
  private final Set<String> workspaces = ConcurrentHashMap.newKeySet();

  @Inject
  public CommandsInHand() {}

  /** Notes a message group put in hand; one that is no workspace's (prefetches) is not noted. */
  public void taken(String group) {
    if (Names.WORKSPACE_ID.matcher(group).matches()) {
      workspaces.add(group);
    }
  }

  /** Notes that the group's last command in hand ended (done, or handed back to SQS). */
  public void ended(String group) {
    workspaces.remove(group);
  }

  /** The workspaces in hand, sorted, at most {@code limit} of them. */
  public List<String> list(int limit) {
    return workspaces.stream().sorted().limit(limit).toList();
  }
}
