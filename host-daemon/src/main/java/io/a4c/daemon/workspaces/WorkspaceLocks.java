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
 * busy with a command is in use, not idle, and is looked at on the next round. A lock is a few
 * bytes, kept for every workspace this daemon has seen since it started.
 */
@Singleton
public final class WorkspaceLocks {
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

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
    var lock = lockOf(workspaceId);
    lock.lock();
    return lock::unlock;
  }

  /**
   * Runs {@code work} holding the workspace's lock if nobody holds it now.
   *
   * @return whether it ran
   */
  public boolean tryWith(String workspaceId, Runnable work) {
    var lock = lockOf(workspaceId);
    if (!lock.tryLock()) {
      return false;
    }
    try {
      work.run();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private ReentrantLock lockOf(String workspaceId) {
    return locks.computeIfAbsent(workspaceId, id -> new ReentrantLock());
  }
}
