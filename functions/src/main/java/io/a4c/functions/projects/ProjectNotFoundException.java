package io.a4c.functions.projects;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** The named project does not exist. */
public class ProjectNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public ProjectNotFoundException(String projectName) {
    super(
        ProblemType.NOT_FOUND, "no project named " + projectName, "projectName", "unknown-project");
  }
}
