package io.a4c.daemon.workspaces;

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
    var entry = use(workspaceId);
    try {
      entry.lock.lock();
    } catch (RuntimeException | Error e) {
      release(workspaceId);
      throw e;
    }
    return () -> {
      entry.lock.unlock();
      release(workspaceId);
    };
  }

  /**
   * Runs {@code work} holding the workspace's lock if nobody holds it now.
   *
   * @return whether it ran
   */
  public boolean tryWith(String workspaceId, Runnable work) {
    var entry = use(workspaceId);
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
      release(workspaceId);
    }
  }

  private Entry use(String workspaceId) {
    return locks.compute(
        workspaceId,
        (id, entry) -> {
          var used = entry == null ? new Entry() : entry;
          used.users++;
          return used;
        });
  }

  private void release(String workspaceId) {
    locks.computeIfPresent(workspaceId, (id, entry) -> --entry.users == 0 ? null : entry);
  }
}
