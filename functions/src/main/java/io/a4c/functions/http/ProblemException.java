package io.a4c.functions.http;

import java.util.Objects;

/**
 * A failure the caller can act on; becomes an RFC 9457 problem response in {@link ApiResponses}.
 * Features extend it with their own types ({@code WorkspaceNotFoundException}, …). Its message is
 * shown to the caller, so it must never hold internals.
 */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;
  private final String field;
  private final String reason;

  /**
   * @param field the request field at fault, or null
   * @param reason a stable machine-readable reason code, or null
   */
  public ProblemException(ProblemType type, String detail, String field, String reason) {
    super(detail);
    this.type = Objects.requireNonNull(type);
    this.field = field;
    this.reason = reason;
  }

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, null, null);
  }

  public ProblemType type() {
    return type;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
