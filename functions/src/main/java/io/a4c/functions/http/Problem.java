package io.a4c.functions.http;

/**
 * An RFC 9457 problem body, with A4C's extension members {@code field} (the request field at
 * fault), {@code reason} (a stable code) and {@code requestId} (to find the log line).
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String field,
    String reason,
    String requestId) {}
