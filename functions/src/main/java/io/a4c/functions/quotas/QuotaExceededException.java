package io.a4c.functions.quotas;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** A user is at a quota: 429 with Retry-After; the detail says what to free. */
public class QuotaExceededException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public QuotaExceededException(String detail, String reason) {
    super(ProblemType.QUOTA_EXCEEDED, detail, null, reason);
  }
}
