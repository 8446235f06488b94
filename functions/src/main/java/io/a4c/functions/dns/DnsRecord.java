package io.a4c.functions.dns;

import java.time.Instant;

/**
 * One workspace A record as {@link TableWorkspaceDns} stores it.
 *
 * @param hostname the fully qualified name, without the trailing dot
 * @param ip its IPv4 address
 * @param ttlSeconds how long resolvers may cache it
 * @param updatedAt when it was last written
 */
public record DnsRecord(String hostname, String ip, int ttlSeconds, Instant updatedAt) {}
