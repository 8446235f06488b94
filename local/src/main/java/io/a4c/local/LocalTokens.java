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
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * Verifies bearer tokens the way API Gateway's JWT authorizer does, with nimbus-jose-jwt, and fills
 * the same flattened claims. Two modes:
 *
 * <ul>
 *   <li><b>development</b> (default): an ES256 key kept in the data directory signs and verifies
 *       tokens of issuer {@value #DEV_ISSUER}, audience {@value #DEV_AUDIENCE}; {@link #mint} makes
 *       them ({@code POST /local/tokens}).
 *   <li><b>issuer</b> ({@code A4C_JWT_ISSUER} + {@code A4C_JWKS_URL}): tokens of a real identity
 *       provider, verified against its JWKS (fetched, cached and refreshed on an unknown key id);
 *       nothing is minted.
 * </ul>
 *
 * Either way a token must be signed with an accepted asymmetric algorithm by a known key (never
 * {@code alg: none}, never an HMAC a public key could forge), carry {@code sub}, {@code exp} and
 * the expected {@code iss}, include the audience in {@code aud}, and be within {@code nbf} and
 * {@code exp} (with {@link #MAX_CLOCK_SKEW} of leeway). Verdicts are cached for speed, only for
 * tokens that passed and never past their expiry. Thread-safe.
 */
final class LocalTokens {
  static final String DEV_ISSUER = "https://a4c.local/dev";
  static final String DEV_AUDIENCE = "a4c";
  static final Duration LIFETIME = Duration.ofHours(12);

  /** Leeway for clocks that disagree a little with the identity provider's. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

  /** How long a verified token is trusted without checking its signature again. */
  static final Duration CACHE_FOR = Duration.ofMinutes(5);

  static final int CACHE_LIMIT = 10_000;

  /** Longer bearer values are refused unread (API Gateway's header limits are of this order). */
  static final int MAX_TOKEN_LENGTH = 8192;

  /** What a real identity provider may sign with: asymmetric algorithms only. */
  static final Set<JWSAlgorithm> ISSUER_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Claims of a verified token and until when they may be reused. */
  private record Verified(Map<String, String> claims, Instant until) {}

  private final Optional<ECKey> devKey;
  private final String issuer;
  private final String audience;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private LocalTokens(
      Optional<ECKey> devKey,
      String issuer,
      String audience,
      JWKSource<SecurityContext> keys,
      Set<JWSAlgorithm> algorithms,
      Clock clock) {
    this.devKey = devKey;
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
    var claimsVerifier =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("sub", "exp", "iss")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claimsVerifier.setMaxClockSkew((int) MAX_CLOCK_SKEW.toSeconds());
    processor.setJWTClaimsSetVerifier(claimsVerifier);
  }

  /**
   * Development mode: the key in {@code dataDir/dev-jwt-key.json}, made the first time. A new key
   * is written to a file created with mode 600 and renamed into place, so it is never readable by
   * others, not even for a moment, and never written through whatever already stood at its name.
   */
  static LocalTokens development(Path dataDir, Clock clock) throws IOException {
    Path file = dataDir.resolve("dev-jwt-key.json");
    ECKey key;
    try {
      if (Files.exists(file)) {
        key = ECKey.parse(Files.readString(file));
      } else {
        key = new ECKeyGenerator(Curve.P_256).keyID("a4c-local-dev").generate();
        Files.createDirectories(dataDir);
        Path tmp = file.resolveSibling("dev-jwt-key.json.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, key.toJSONString());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (ParseException | JOSEException e) {
      throw new IOException("cannot read or make the development key " + file, e);
    }
    return new LocalTokens(
        Optional.of(key),
        DEV_ISSUER,
        DEV_AUDIENCE,
        new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())),
        Set.of(JWSAlgorithm.ES256),
        clock);
  }

  /**
   * Issuer mode: tokens of {@code issuer} for {@code audience}, keys from its JWKS at {@code jwks}.
   */
  static LocalTokens issuer(String issuer, URL jwks, String audience, Clock clock) {
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(jwks).retrying(true).build();
    return new LocalTokens(Optional.empty(), issuer, audience, keys, ISSUER_ALGORITHMS, clock);
  }

  /** Whether this runtime makes development tokens (development mode only). */
  boolean canMint() {
    return devKey.isPresent();
  }

  /** The issuer tokens must name. */
  String issuer() {
    return issuer;
  }

  /** A signed development token for {@code subject}. */
  String mint(String subject, boolean admin) {
    ECKey key =
        devKey.orElseThrow(
            () -> new IllegalStateException("development tokens are off: an issuer is configured"));
    var now = clock.instant();
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(subject)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .claim("admin", admin)
            .build();
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of a valid token, flattened to strings as API Gateway passes them to a function;
   * empty for a missing, malformed, unsigned, forged, tampered, expired, not yet valid, foreign or
   * misdirected one. The reason is never logged with the token.
   */
  Optional<Map<String, String>> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Verified cached = verified.get(token);
    if (cached != null) {
      if (now.isBefore(cached.until())) {
        return Optional.of(cached.claims());
      }
      verified.remove(token);
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
      if (now.isBefore(until)) {
        verified.put(token, new Verified(Map.copyOf(flat), until));
      }
      return Optional.of(Map.copyOf(flat));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** How many verdicts are cached (tests check that failures are not). */
  int cached() {
    return verified.size();
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
