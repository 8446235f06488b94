package io.a4c.daemon.workspaces;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The creates a user is waiting for on this host, counted so that background work — a warm pool's
 * refill, whose command reaches the host a moment after the claim that asked for it — lets them
 * have the engine first: a member's create, start, setup and account reads would otherwise share
 * the engine with the very claim they replace. The wait is bounded, so a steady stream of creates
 * delays a refill but never starves it. A lock and a condition rather than monitors: the callers
 * are virtual threads. Thread-safe.
 */
final class ForegroundWork {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int running;

  /** Counts one piece of foreground work until the returned handle is closed. */
  Running enter() {
    lock.lock();
    try {
      running++;
    } finally {
      lock.unlock();
    }
    return this::exit;
  }

  /**
   * Waits until no foreground work runs, for at most {@code max}.
   *
   * @return whether it ran out of foreground work (false: the wait timed out)
   */
  boolean awaitIdle(Duration max) throws InterruptedException {
    long left = max.toNanos();
    lock.lock();
    try {
      while (running > 0) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void exit() {
    lock.lock();
    try {
      running--;
      if (running == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A piece of foreground work in progress; closing it ends it. */
  interface Running extends AutoCloseable {
    @Override
    void close();
  }
}
