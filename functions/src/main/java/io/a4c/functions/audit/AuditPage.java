package io.a4c.functions.audit;

import java.util.List;

/**
 * One page of the audit trail, newest first.
 *
 * @param nextToken opaque; pass it back as {@code nextToken} for the next page; absent on the last
 */
public record AuditPage(List<AuditEntry> items, String nextToken) {}
