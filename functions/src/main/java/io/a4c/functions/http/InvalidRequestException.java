package io.a4c.functions.http;

/** A request field breaks its rule; the problem names the field. */
public class InvalidRequestException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String field, String detail) {
    super(ProblemType.INVALID, detail, field, null);
  }
}
