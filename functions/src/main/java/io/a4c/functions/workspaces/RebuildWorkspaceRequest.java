package io.a4c.functions.workspaces;

import io.a4c.events.Names;
import io.a4c.functions.http.Validation;

/**
 * The optional body of {@code POST .../workspaces/{workspaceId}/rebuild}.
 *
 * @param change the change of the workspace's project, parent and arch to rebuild onto; null for
 *     the newest image
 */
public record RebuildWorkspaceRequest(String change) {
  /** No body: the newest image. */
  static final RebuildWorkspaceRequest NEWEST = new RebuildWorkspaceRequest(null);

  public RebuildWorkspaceRequest {
    Validation.optional(
        "change", change, Names.CHANGE, "a change number or git revision (letters, digits, . _ -)");
  }
}
