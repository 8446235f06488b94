package io.a4c.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The claims of a bearer token as the CLI shows them ({@code whoami}) and checks its expiry before
 * a request: read, not verified — the server verifies every token; this only says early and clearly
 * that a token has run out.
 *
 * @param subject {@code sub}: the user id
 * @param admin the {@code admin} claim
 * @param expiresAt {@code exp}, or null without one
 */
public record Jwt(String subject, boolean admin, Instant expiresAt) {

  /** The claims of a JWT, or empty when the token is not one the CLI can read. */
  public static Optional<Jwt> read(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims.get("exp");
      return Optional.of(
          new Jwt(
              claims.path("sub").asText(null),
              claims.path("admin").asBoolean(false),
              exp != null && exp.canConvertToLong() ? Instant.ofEpochSecond(exp.asLong()) : null));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether it expired before {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }
}
