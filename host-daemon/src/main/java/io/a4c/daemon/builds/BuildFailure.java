package io.a4c.daemon.builds;

/**
 * A build did not produce an image. Permanent failures (a Dockerfile step exited non-zero, the
 * change does not exist) end the build FAILED; transient ones (the engine or registry did not
 * answer) hand the job back for another try.
 */
public final class BuildFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public BuildFailure(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
