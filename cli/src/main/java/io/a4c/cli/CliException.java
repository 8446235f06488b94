package io.a4c.cli;

/**
 * A failure the CLI reports as one message on standard error and an exit code (see {@link
 * ExitCodes}), never as a stack trace.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** A failure with its exit code and the message the user reads. */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The process's exit code for it. */
  public int exitCode() {
    return exitCode;
  }
}
