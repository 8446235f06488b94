package io.a4c.daemon.workspaces;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * One lock per workspace, so its commands, the idle watcher's stop and the reconciler's repairs
 * never act on the same container at once. Commands of one workspace already arrive in order; the
 * idle watcher and the reconciler run on their own threads, and they only try the lock: a workspace
 * busy with a command is in use, not idle, and is looked at on the next round. A workspace's lock
 * is kept only while someone holds it or waits for it: every warm pool member is a workspace id of
 * its own, so a daemon that kept a lock for every id it ever saw would grow by one per member made
 * for as long as it runs.
 */
@Singleton
public final class WorkspaceLocks {
  /** A workspace's lock and how many hold it, wait for it or try it now (changed under the map). */
  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;

    /** Of {@link #users}, those that came through {@link #hold}: commands, not watchers' tries. */
    int holders;
  }

  private final Map<String, Entry> locks = new ConcurrentHashMap<>();

  @Inject
  public WorkspaceLocks() {}

  /** A held lock; closing it releases it. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the workspace's lock, waiting as long as it takes, for a try-with-resources block. The
   * lock is reentrant: a holder may take it again.
   */
  public Held hold(String workspaceId) {
    var entry = use(workspaceId, true);
    try {
      entry.lock.lock();
    } catch (RuntimeException | Error e) {
      release(workspaceId, true);
      throw e;
    }
    return () -> {
      entry.lock.unlock();
      release(workspaceId, true);
    };
  }

  /**
   * The workspaces whose commands are in hand now — holding their lock through {@link #hold}, or
   * waiting for it — sorted, at most {@code limit}: what a heartbeat lists, so the sweeper tells a
   * slow command from a lost one. The idle watcher's and the disk limit's tries are not listed.
   */
  public List<String> inHand(int limit) {
    List<String> ids = new ArrayList<>();
    locks.forEach(
        (id, entry) -> {
          synchronized (entry) {
            if (entry.holders > 0) {
              ids.add(id);
            }
          }
        });
    return ids.stream().sorted().limit(limit).toList();
  }

  /**
   * Runs {@code work} holding the workspace's lock if nobody holds it now.
   *
   * @return whether it ran
   */
  public boolean tryWith(String workspaceId, Runnable work) {
    var entry = use(workspaceId, false);
    try {
      if (!entry.lock.tryLock()) {
        return false;
      }
      try {
        work.run();
        return true;
      } finally {
        entry.lock.unlock();
      }
    } finally {
      release(workspaceId, false);
    }
  }

  private Entry use(String workspaceId, boolean holder) {
    return locks.compute(
        workspaceId,
        (id, entry) -> {
          var used = entry == null ? new Entry() : entry;
          synchronized (used) {
            used.users++;
            used.holders += holder ? 1 : 0;
          }
          return used;
        });
  }

  private void release(String workspaceId, boolean holder) {
    locks.computeIfPresent(
        workspaceId,
        (id, entry) -> {
          synchronized (entry) {
            entry.holders -= holder ? 1 : 0;
            return --entry.users == 0 ? null : entry;
          }
        });
  }
}
