package io.a4c.daemon.docker;

/**
 * A create step failed. Transient failures (Docker 5xx, timeouts, an engine restarting) are retried
 * from a clean slate; permanent ones (4xx: a missing image, a setup command that exits non-zero)
 * are not.
 */
public final class StepFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public StepFailure(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
