package io.a4c.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Development tokens: an ES256 key kept in the data directory mints tokens (for development only)
 * and verifies bearer tokens the way API Gateway's JWT authorizer does — signature, issuer,
 * audience, expiry — filling the same claims. Thread-safe.
 */
final class LocalTokens {
  static final String ISSUER = "https://a4c.local/dev";
  static final String AUDIENCE = "a4c";
  static final Duration LIFETIME = Duration.ofHours(12);

  /** How long a verified token is trusted without checking its signature again. */
  static final Duration CACHE_FOR = Duration.ofMinutes(5);

  static final int CACHE_LIMIT = 10_000;

  /** Claims of a verified token and until when they may be reused. */
  private record Verified(Map<String, String> claims, Instant until) {}

  private final ECKey key;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private LocalTokens(ECKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()))));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            AUDIENCE, new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "iat")));
  }

  /** Loads the key from {@code dataDir/dev-jwt-key.json}, making one the first time. */
  static LocalTokens open(Path dataDir, Clock clock) throws IOException {
    Path file = dataDir.resolve("dev-jwt-key.json");
    ECKey key;
    try {
      if (Files.exists(file)) {
        key = ECKey.parse(Files.readString(file));
      } else {
        key = new ECKeyGenerator(Curve.P_256).keyID("a4c-local-dev").generate();
        Files.createDirectories(dataDir);
        Files.writeString(file, key.toJSONString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (ParseException | JOSEException e) {
      throw new IOException("cannot read or make the development key " + file, e);
    }
    return new LocalTokens(key, clock);
  }

  /** A signed token for {@code subject}. */
  String mint(String subject, boolean admin) {
    var now = clock.instant();
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(subject)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .claim("admin", admin)
            .build();
    var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of a valid token, flattened to strings as API Gateway passes them to a function;
   * empty for a missing, malformed, forged or expired one.
   */
  Optional<Map<String, String>> verify(String token) {
    Instant now = clock.instant();
    Verified cached = verified.get(token);
    if (cached != null && now.isBefore(cached.until())) {
      return Optional.of(cached.claims());
    }
    try {
      JWTClaimsSet claims = processor.process(token, null);
      Map<String, String> flat = new HashMap<>();
      claims.getClaims().forEach((name, value) -> flat.put(name, flatten(value)));
      flat.put("sub", claims.getSubject());
      // Signature checks cost about a millisecond: reuse a verdict, never past the token's expiry.
      Instant expiry = claims.getExpirationTime().toInstant();
      Instant until = expiry.isBefore(now.plus(CACHE_FOR)) ? expiry : now.plus(CACHE_FOR);
      if (verified.size() >= CACHE_LIMIT) {
        verified.clear();
      }
      verified.put(token, new Verified(Map.copyOf(flat), until));
      return Optional.of(Map.copyOf(flat));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String flatten(Object value) {
    if (value instanceof Date date) {
      return Long.toString(date.toInstant().getEpochSecond());
    }
    if (value instanceof java.util.List<?> list) {
      return "[" + String.join(" ", list.stream().map(String::valueOf).toList()) + "]";
    }
    return String.valueOf(value);
  }
}
