package io.a4c.daemon.workspaces;

import io.a4c.daemon.aws.HostEventPublisher;
import io.a4c.events.HostEvent;
import io.a4c.events.WorkspaceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reports of one command's steps (a create's from ACCEPTED to RUNNING, a start's from STARTED
 * to RUNNING), sent without holding up the next step: {@link #send} queues a report and returns at
 * once, and one virtual thread sends what is queued, everything that gathered meanwhile in one
 * batch ({@link HostEventPublisher#publishAll}). Each send is a round trip to the host-events queue
 * (tens of milliseconds), which a create used to wait for five times before RUNNING was sent. A
 * status report still queued when a newer one of the same workspace joins it is dropped: the newer
 * one moves the record past it (the consumer keeps only the furthest step), and the consumer then
 * has one report less to apply before RUNNING. So a batch holds at most one status report per
 * workspace, and status reports go out in the order of their steps; what SQS does not keep is the
 * order within a batch (a status beside a keys report), nor, on a standard queue, between sends. A
 * report waits {@link #COALESCE} in the queue before it is sent, for a newer one to take its place:
 * the steps after {@code docker start} (STARTED, SETUP_DONE without setup commands, IP_ASSIGNED)
 * follow one another and RUNNING within milliseconds, and each of them sent is one more the
 * consumer applies, beside RUNNING, on the same record; a step that takes longer (a pull, {@code
 * docker start}, a setup command) is seen at most that much later. {@link #flush} waits until
 * everything queued is sent: the command is acknowledged only once its reports are; a report SQS
 * did not take fails the flush, and so the command, as it failed the step before.
 */
final class StepReports {
  /** How long a queued report waits for a newer one of its workspace before it is sent. */
  static final Duration COALESCE = Duration.ofMillis(50);

  private final HostEventPublisher events;
  private final String name;
  private final Duration coalesce;
  private final List<HostEvent> queued = new ArrayList<>();
  private boolean sending;
  private boolean flushing;

  /** When the queue last stopped being empty ({@link System#nanoTime}). */
  private long queuedSince;

  private int expressSending;
  private RuntimeException failure;

  /**
   * @param name names the sending thread (say the workspace id), for thread dumps
   */
  StepReports(HostEventPublisher events, String name) {
    this(events, name, COALESCE);
  }

  /**
   * @param coalesce how long a queued report waits for a newer one ({@link #COALESCE} but in tests)
   */
  StepReports(HostEventPublisher events, String name, Duration coalesce) {
    this.events = events;
    this.name = name;
    this.coalesce = coalesce;
  }

  /** Queues the report; it is sent after those queued before it. */
  synchronized void send(HostEvent report) {
    if (queued.isEmpty()) {
      queuedSince = System.nanoTime();
    }
    queued.add(report);
    if (!sending) {
      sending = true;
      Thread.ofVirtual().name("reports-" + name).start(this::sendQueued);
    }
  }

  /**
   * Sends the command's last reports (RUNNING, with the keys it holds) at once, in one batch of
   * their own, beside a batch still on its way rather than after it; the queued status reports of
   * the same workspaces they supersede are dropped. Safe because the consumer keeps only the
   * furthest step and drops a step report of an operation that is over, in whatever order they
   * arrive.
   */
  synchronized void sendAtOnce(List<HostEvent> reports) {
    Set<String> workspaces = new HashSet<>();
    for (HostEvent report : reports) {
      if (report instanceof WorkspaceStatus status) {
        workspaces.add(status.workspaceId());
      }
    }
    queued.removeIf(
        report ->
            report instanceof WorkspaceStatus status && workspaces.contains(status.workspaceId()));
    notifyAll(); // a sender waiting for what was just dropped need not wait any more
    var batch = List.copyOf(reports);
    expressSending++;
    Thread.ofVirtual()
        .name("reports-last-" + name)
        .start(
            () -> {
              RuntimeException failed = null;
              try {
                events.publishAll(batch);
              } catch (RuntimeException e) {
                failed = e;
              }
              synchronized (this) {
                if (failed != null && failure == null) {
                  failure = failed;
                }
                expressSending--;
                notifyAll();
              }
            });
  }

  /**
   * Waits until every queued report is sent.
   *
   * @throws RuntimeException the first failure to send since the last flush
   */
  synchronized void flush() throws InterruptedException {
    flushing = true; // what is queued goes at once
    notifyAll();
    try {
      while (sending || expressSending > 0) {
        wait();
      }
    } finally {
      flushing = false;
    }
    if (failure != null) {
      RuntimeException first = failure;
      failure = null;
      throw first;
    }
  }

  /**
   * Waits until the oldest queued report has waited its time ({@link #COALESCE}), the queue is
   * emptied by {@link #sendAtOnce}, or a flush wants everything sent. Holds the lock.
   */
  private void awaitNewerOnes() {
    while (!queued.isEmpty() && !flushing) {
      long left = queuedSince + coalesce.toNanos() - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        wait(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // send what is queued now
      }
    }
  }

  /** Drops every queued status report followed in the queue by one of the same workspace. */
  private void dropSuperseded() {
    Set<String> later = new HashSet<>();
    for (var it = queued.listIterator(queued.size()); it.hasPrevious(); ) {
      if (it.previous() instanceof WorkspaceStatus status && !later.add(status.workspaceId())) {
        it.remove();
      }
    }
  }

  private void sendQueued() {
    while (true) {
      List<HostEvent> batch;
      synchronized (this) {
        awaitNewerOnes();
        if (queued.isEmpty()) {
          sending = false;
          notifyAll();
          return;
        }
        dropSuperseded();
        var next = queued.subList(0, Math.min(queued.size(), HostEventPublisher.MAX_BATCH));
        batch = List.copyOf(next);
        next.clear();
      }
      try {
        events.publishAll(batch);
      } catch (RuntimeException e) {
        synchronized (this) {
          if (failure == null) {
            failure = e;
          }
        }
      }
    }
  }
}
