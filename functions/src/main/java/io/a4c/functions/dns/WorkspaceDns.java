package io.a4c.functions.dns;

/**
 * Where workspace hostnames resolve: one A record per workspace, {@code <workspaceId>.<domain>} to
 * its IP. Written by the functions only, never by the hosts. Route 53 in AWS ({@link
 * Route53WorkspaceDns}), a table the local runtime's DNS server answers from elsewhere ({@link
 * TableWorkspaceDns}). Both operations are idempotent, so a retried write repeats harmlessly.
 */
public interface WorkspaceDns {
  /**
   * Seconds a resolver may cache an answer. Short, because a record moves when the reconciler finds
   * the container at a new address and goes when the workspace does: a developer's resolver holds
   * the stale address at most this long. Longer would save lookups nobody pays much for.
   */
  int TTL_SECONDS = 30;

  /** Points {@code hostname} at {@code ip}, creating or replacing its A record. */
  void upsert(String hostname, String ip);

  /**
   * Removes the A record of {@code hostname} if it still points at {@code ip}; a record that is
   * gone, or was moved to another address meanwhile, is left as it is. So a late delete never
   * removes the record of the address the workspace has now.
   */
  void delete(String hostname, String ip);
}
