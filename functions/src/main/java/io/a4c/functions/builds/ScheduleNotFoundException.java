package io.a4c.functions.builds;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** The user has no image schedule of that id. */
public class ScheduleNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public ScheduleNotFoundException(String scheduleId) {
    super(
        ProblemType.NOT_FOUND, "no image schedule " + scheduleId, "scheduleId", "unknown-schedule");
  }
}
