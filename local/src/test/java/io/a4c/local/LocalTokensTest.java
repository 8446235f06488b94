package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local gateway's token check, as API Gateway's JWT authorizer does it: development key or a
 * real issuer's JWKS (served here on 127.0.0.1), and every kind of bad token refused — and never
 * cached.
 */
class LocalTokensTest {
  private static final String ISSUER = "https://idp.example.test/";
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  private HttpServer jwksServer;
  private RSAKey idpKey;
  private LocalTokens issuerMode;
  private LocalTokens devMode;

  @BeforeEach
  void setUp() throws Exception {
    idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
    String jwks = new JWKSet(idpKey.toPublicJWK()).toString();
    jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwksServer.createContext(
        "/.well-known/jwks.json",
        exchange -> {
          byte[] bytes = jwks.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("content-type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    jwksServer.start();
    URI url =
        URI.create(
            "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/.well-known/jwks.json");
    issuerMode = LocalTokens.issuer(ISSUER, url.toURL(), "a4c-api", clock);
    Path dir = Files.createTempDirectory("a4c-tokens");
    devMode = LocalTokens.development(dir, clock);
  }

  @AfterEach
  void tearDown() {
    jwksServer.stop(0);
  }

  @Test
  void theDevelopmentKeyIsWrittenOnlyIntoAFileMadeForItWithMode600() throws Exception {
    Path dir = Files.createTempDirectory("a4c-tokens");
    // Written through a name that already stood there, the key would land in a file made with
    // the default mode (world-readable) before any chmod: whatever is at the name is replaced.
    Path elsewhere = Files.createTempDirectory("a4c-elsewhere").resolve("leak.json");
    Files.createSymbolicLink(dir.resolve("dev-jwt-key.json"), elsewhere);

    LocalTokens.development(dir, clock);

    assertThat(elsewhere).doesNotExist();
    Path key = dir.resolve("dev-jwt-key.json");
    assertThat(Files.isSymbolicLink(key)).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).contains("\"kid\":\"a4c-local-dev\"");
    assertThat(dir.resolve("dev-jwt-key.json.tmp")).doesNotExist();
  }

  private JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience("a4c-api")
        .subject("alice")
        .issueTime(Date.from(NOW))
        .expirationTime(Date.from(NOW.plus(Duration.ofHours(1))));
  }

  private String signedByIdp(JWTClaimsSet claims) throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("idp-1")
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(idpKey));
    return jwt.serialize();
  }

  @Test
  void aTokenOfTheConfiguredIssuerVerifiedAgainstItsJwksGivesItsClaims() throws Exception {
    var verified = issuerMode.verify(signedByIdp(claims().claim("admin", true).build()));

    assertThat(verified).isPresent();
    assertThat(verified.get()).containsEntry("sub", "alice").containsEntry("admin", "true");
    assertThat(issuerMode.canMint()).isFalse();
  }

  @Test
  void expiredNotYetValidWrongIssuerAndWrongAudienceAre401() throws Exception {
    String expired =
        signedByIdp(claims().expirationTime(Date.from(NOW.minus(Duration.ofMinutes(5)))).build());
    String notYetValid =
        signedByIdp(claims().notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).build());
    String wrongIssuer = signedByIdp(claims().issuer("https://evil.example.test/").build());
    String wrongAudience = signedByIdp(claims().audience("another-api").build());
    String noExpiry = signedByIdp(claims().expirationTime(null).build());
    String noSubject = signedByIdp(claims().subject(null).build());

    for (String token :
        new String[] {expired, notYetValid, wrongIssuer, wrongAudience, noExpiry, noSubject}) {
      assertThat(issuerMode.verify(token)).isEmpty();
    }
    assertThat(issuerMode.cached()).isZero();
  }

  @Test
  void unsignedWrongKeyHmacConfusionTamperedAndGarbageTokensAre401() throws Exception {
    String unsigned = new PlainJWT(new PlainHeader(), claims().build()).serialize();
    var otherKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
    var wrongKeyJwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-1").build(), claims().build());
    wrongKeyJwt.sign(new RSASSASigner(otherKey));
    // HS256 signed with the public key's bytes: the classic algorithm confusion.
    var confused =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("idp-1").build(), claims().build());
    confused.sign(new MACSigner(idpKey.toPublicJWK().toRSAPublicKey().getEncoded()));
    String good = signedByIdp(claims().build());
    String[] parts = good.split("\\.");
    String tamperedClaims =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    claims()
                        .subject("root")
                        .claim("admin", true)
                        .build()
                        .toString()
                        .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    String tamperedSignature =
        good.substring(0, good.length() - 3) + (good.endsWith("AAA") ? "BBB" : "AAA");

    for (String token :
        new String[] {
          unsigned,
          unsigned + "e30",
          wrongKeyJwt.serialize(),
          confused.serialize(),
          tamperedClaims,
          tamperedSignature,
          "",
          "not.a.token",
          "a".repeat(10_000),
          good + ".extra"
        }) {
      assertThat(issuerMode.verify(token))
          .as(token.length() > 60 ? token.substring(0, 60) : token)
          .isEmpty();
    }
    assertThat(issuerMode.cached()).isZero();
    assertThat(issuerMode.verify(good)).isPresent();
  }

  @Test
  void developmentTokensOfAnotherKeyOrIssuerAreRefused() throws Exception {
    var stranger = new ECKeyGenerator(Curve.P_256).keyID("a4c-local-dev").generate();
    var forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("a4c-local-dev").build(),
            new JWTClaimsSet.Builder()
                .issuer(LocalTokens.DEV_ISSUER)
                .audience(LocalTokens.DEV_AUDIENCE)
                .subject("root")
                .claim("admin", true)
                .expirationTime(Date.from(NOW.plus(Duration.ofHours(1))))
                .build());
    forged.sign(new ECDSASigner(stranger));

    assertThat(devMode.verify(forged.serialize())).isEmpty();
    assertThat(devMode.verify(signedByIdp(claims().build()))).isEmpty();
    assertThat(devMode.verify(devMode.mint("alice", false)))
        .get()
        .extracting(c -> c.get("sub"))
        .isEqualTo("alice");
  }

  @Test
  void aCachedVerdictNeverOutlivesTheTokensExpiry() throws Exception {
    String shortLived =
        signedByIdp(claims().expirationTime(Date.from(NOW.plus(Duration.ofMinutes(2)))).build());
    assertThat(issuerMode.verify(shortLived)).isPresent();
    assertThat(issuerMode.cached()).isEqualTo(1);

    now.set(NOW.plus(Duration.ofMinutes(2)).plus(LocalTokens.MAX_CLOCK_SKEW).plusSeconds(1));

    assertThat(issuerMode.verify(shortLived)).isEmpty();
    assertThat(issuerMode.cached()).isZero();
  }

  @Test
  void developmentModeCanMintAndVerifyItsOwnTokens() {
    String token = devMode.mint("bob", true);

    assertThat(devMode.canMint()).isTrue();
    assertThat(devMode.verify(token).orElseThrow())
        .containsEntry("sub", "bob")
        .containsEntry("admin", "true");
    assertThat(issuerMode.verify(token)).isEmpty();
  }
}
