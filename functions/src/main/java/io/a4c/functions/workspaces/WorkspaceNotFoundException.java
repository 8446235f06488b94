package io.a4c.functions.workspaces;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;

/** No workspace of that id belongs to that user. */
public class WorkspaceNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  public WorkspaceNotFoundException(String workspaceId) {
    super(ProblemType.NOT_FOUND, "no workspace " + workspaceId, "workspaceId", "unknown-workspace");
  }
}
