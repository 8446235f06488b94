package io.a4c.functions.projects;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** The named project does not exist. */
public class ProjectNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public ProjectNotFoundException(String projectName) {
    this(projectName, "projectName");
  }

  /**
   * @param field the request member that named the project, where it is not {@code projectName} (an
   *     image schedule's {@code project})
   */
  public ProjectNotFoundException(String projectName, String field) {
    super(ProblemType.NOT_FOUND, "no project named " + projectName, field, "unknown-project");
  }
}
