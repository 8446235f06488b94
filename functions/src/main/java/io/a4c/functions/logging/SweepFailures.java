package io.a4c.functions.logging;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the parts of a sweep, or the items of one part, so that one failing does not keep the others
 * from their turn: a failure is logged and kept, the next runs, and {@link #rethrow} at the end
 * fails the sweep with the first failure (the others attached as suppressed), so its invocation
 * still counts as an error. Not thread-safe: one per sweep.
 */
public final class SweepFailures {
  private static final Logger log = LoggerFactory.getLogger(SweepFailures.class);

  private final String sweep;
  private RuntimeException first;
  private int count;

  /** Failures of {@code sweep} (a name for the log and the exception). */
  public SweepFailures(String sweep) {
    this.sweep = sweep;
  }

  /** Runs {@code work}; on a failure logs and keeps it and answers {@code none}. */
  public <T> T run(String part, Supplier<T> work, T none) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      count++;
      log.atError().addKeyValue("sweep", sweep).addKeyValue("part", part).setCause(e).log("failed");
      if (first == null) {
        first = new IllegalStateException(sweep + ": " + part + " failed: " + e.getMessage(), e);
      } else {
        first.addSuppressed(e);
      }
      return none;
    }
  }

  /** Runs {@code work}; on a failure logs and keeps it. */
  public void run(String part, Runnable work) {
    run(
        part,
        () -> {
          work.run();
          return null;
        },
        null);
  }

  /** How many runs failed so far. */
  public int count() {
    return count;
  }

  /** Throws the first failure kept, if any; the sweep's other work is done by now. */
  public void rethrow() {
    if (first != null) {
      throw first;
    }
  }
}
