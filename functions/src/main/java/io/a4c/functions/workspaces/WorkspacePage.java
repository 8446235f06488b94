package io.a4c.functions.workspaces;

import java.util.List;

/**
 * One page of a user's workspaces, oldest first.
 *
 * @param nextToken opaque; pass it back as {@code nextToken} for the next page; absent on the last
 */
public record WorkspacePage(List<WorkspaceView> items, String nextToken) {}
