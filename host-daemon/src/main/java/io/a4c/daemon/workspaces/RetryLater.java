package io.a4c.daemon.workspaces;

/**
 * A command could not be carried out for a reason that may pass (the engine is restarting): leave
 * it on the queue so SQS delivers it again after its visibility timeout.
 */
public final class RetryLater extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RetryLater(String message, Throwable cause) {
    super(message, cause);
  }
}
