package io.a4c.functions.workspaces;

import io.a4c.events.Names;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.http.PageTokens;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reads a user's workspaces for the API ({@code GET .../workspaces}, {@code GET
 * .../workspaces/{workspaceId}}), each with whether its host is reachable. Reads only: eventually
 * consistent, never writes. Thread-safe.
 */
@Singleton
public final class WorkspaceReads {
  private final WorkspaceStore workspaces;
  private final HostDirectory directory;
  private final PageTokens pageTokens;

  @Inject
  public WorkspaceReads(WorkspaceStore workspaces, HostDirectory directory, PageTokens pageTokens) {
    this.workspaces = workspaces;
    this.directory = directory;
    this.pageTokens = pageTokens;
  }

  /** One page of the user's workspaces, each saying whether its host is reachable. */
  public WorkspacePage list(String userId, int limit, String nextToken) {
    String scope = "workspaces/" + userId;
    var page =
        workspaces.list(userId, limit, pageTokens.open(scope, nextToken, Names.WORKSPACE_ID));
    var items = page.items().stream().map(this::view).toList();
    return new WorkspacePage(items, pageTokens.seal(scope, page.lastWorkspaceId()));
  }

  /** The workspace; 404 when the user has none of that id. */
  public WorkspaceView get(String userId, String workspaceId) {
    return workspaces
        .get(userId, workspaceId, false)
        .map(this::view)
        .orElseThrow(() -> new WorkspaceNotFoundException(workspaceId));
  }

  private WorkspaceView view(Workspace w) {
    return WorkspaceView.of(w, directory.reachable(w.hostId()), directory.silentSince(w.hostId()));
  }
}
