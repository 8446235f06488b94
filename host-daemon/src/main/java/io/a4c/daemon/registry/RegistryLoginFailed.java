package io.a4c.daemon.registry;

/**
 * The registry's credentials could not be obtained (ECR did not answer, refused the host's role, or
 * answered with no usable token). A push or pull that needed them is worth another try later:
 * callers treat it as transient. The message never holds a token.
 */
public final class RegistryLoginFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryLoginFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
