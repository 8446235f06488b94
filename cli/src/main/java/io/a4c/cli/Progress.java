package io.a4c.cli;

import java.time.Duration;
import java.time.Instant;

/**
 * A live progress line on standard error while the CLI waits: redrawn in place on a terminal, else
 * printed once per change, with the time since the wait began. Ctrl-C during a wait ends the CLI,
 * not what it waits for: a shutdown hook says so and how to look again.
 */
final class Progress implements AutoCloseable {
  private final Context context;
  private final Instant start;
  private final Thread onInterrupt;
  private String last;
  private boolean drawn;
  private volatile boolean done;

  /**
   * Starts a wait.
   *
   * @param interrupted what to print when Ctrl-C stops the wait, e.g. how to look again
   */
  Progress(Context context, String interrupted) {
    this.context = context;
    this.start = context.clock().instant();
    this.onInterrupt =
        new Thread(
            () -> {
              if (!done) {
                context.err().println();
                context.err().println("a4c-cli: stopped waiting; " + interrupted);
                context.err().flush();
              }
            });
    try {
      Runtime.getRuntime().addShutdownHook(onInterrupt);
    } catch (IllegalStateException e) {
      // Shutting down already: nothing to announce.
    }
  }

  /** Time since the wait began, as {@code 4.2 s}. */
  String elapsed() {
    long millis = Duration.between(start, context.clock().instant()).toMillis();
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** Time since the wait began. */
  Duration waited() {
    return Duration.between(start, context.clock().instant());
  }

  /** Whether the wait has gone on longer than {@code limit}. */
  boolean over(Duration limit) {
    return waited().compareTo(limit) > 0;
  }

  /** Shows {@code line} with the elapsed time. */
  void show(String line) {
    var err = context.err();
    if (context.terminal()) {
      err.print("\r\033[K" + line + "  " + elapsed());
      drawn = true;
    } else if (!line.equals(last)) {
      err.println(line + "  " + elapsed());
    }
    last = line;
    err.flush();
  }

  /** Ends the wait: the line is left as it is, Ctrl-C no longer announced. */
  @Override
  public void close() {
    done = true;
    if (drawn) {
      context.err().println();
      context.err().flush();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(onInterrupt);
    } catch (IllegalStateException e) {
      // Shutting down: the hook runs and, being done, prints nothing.
    }
  }

  /** Sleeps between two looks. */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }
}
