package io.a4c.cli;

/**
 * The CLI's exit codes, documented in docs/cli.md, so scripts can tell what went wrong without
 * reading the message.
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;

  /**
   * What was waited for did not happen: a workspace ended FAILED, a build FAILED or was cancelled,
   * or the wait timed out.
   */
  public static final int FAILED = 1;

  /** The command line is wrong (picocli's own code for invalid input). */
  public static final int USAGE = 2;

  /** The API refused the request (4xx other than 401 and 403), or a name matched no workspace. */
  public static final int CLIENT_ERROR = 3;

  /** Not logged in, the token expired or was refused (401), or not allowed (403). */
  public static final int AUTH = 4;

  /** The server failed (5xx) or could not be reached. */
  public static final int SERVER = 5;

  private ExitCodes() {}

  /** The exit code for an HTTP error status. */
  public static int ofStatus(int status) {
    if (status == 401 || status == 403) {
      return AUTH;
    }
    return status >= 500 ? SERVER : CLIENT_ERROR;
  }
}
