package io.a4c.functions.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One line of the audit trail: who did what to which resource, when, from which request. It holds
 * ids, names and addresses only — never a token, a key or a request body.
 *
 * @param entryId sorts by time: {@code <instant>#<random>}
 * @param action what was done, e.g. {@code workspace.create}
 * @param userId the user whose resource it was, or null for admin-wide ones (projects, hosts)
 * @param target the resource, e.g. {@code workspace:ws-…}, {@code project:kernel}
 * @param details a few more names (project, host, state), never secrets
 */
public record AuditEntry(
    String entryId,
    Instant at,
    String action,
    String actor,
    boolean admin,
    String userId,
    String target,
    String requestId,
    String sourceIp,
    Map<String, String> details) {
  public AuditEntry {
    details = Map.copyOf(details);
  }
}
