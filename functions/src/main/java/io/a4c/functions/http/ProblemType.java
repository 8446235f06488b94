package io.a4c.functions.http;

/**
 * The kinds of problem the API answers with, each an RFC 9457 problem type. docs/problems.md
 * describes them; the {@code type} URI is {@link #BASE} plus the slug.
 */
public enum ProblemType {
  INVALID(400, "invalid-request", "The request is not valid"),
  UNAUTHORIZED(401, "unauthorized", "A valid bearer token is required"),
  FORBIDDEN(403, "forbidden", "This caller may not do this"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "The route does not take this method"),
  CONFLICT(409, "conflict", "The request conflicts with the current state"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The request body must be JSON"),
  IDEMPOTENCY_KEY_REUSED(
      422, "idempotency-key-reused", "The idempotency key was used for another request"),
  QUOTA_EXCEEDED(429, "quota-exceeded", "A quota is exceeded"),
  INTERNAL(500, "internal", "Internal error"),
  UNAVAILABLE(503, "unavailable", "The service cannot do this right now");

  /** Where the problem types are documented. */
  public static final String BASE = "https://a4c.io/problems/";

  private final int status;
  private final String slug;
  private final String title;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String uri() {
    return BASE + slug;
  }

  public String title() {
    return title;
  }
}
