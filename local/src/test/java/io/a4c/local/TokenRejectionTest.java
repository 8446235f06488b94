package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.a4c.events.EventJson;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.local.testing.ApiClient;
import io.a4c.local.testing.Scenario;
import io.a4c.local.testing.SharedRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Forged, expired, not-yet-valid, wrong-issuer, wrong-audience, unsigned, wrong-key and tampered
 * tokens are 401 on every route, through the real gateway — signed, where it matters, with the
 * runtime's own development key, so only the one thing wrong with each is wrong.
 */
@ExtendWith(SharedRuntime.class)
class TokenRejectionTest {

  private static JWTClaimsSet.Builder claims(String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(LocalTokens.DEV_ISSUER)
        .audience(LocalTokens.DEV_AUDIENCE)
        .subject(subject)
        .claim("admin", true)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void badTokensAre401OnEveryRouteAndAGoodOneIsNot(LocalRuntime runtime, ApiClient api)
      throws Exception {
    var devKey =
        ECKey.parse(Files.readString(runtime.config().dataDir().resolve("dev-jwt-key.json")));
    String user = new Scenario(api).user("tokens");
    Instant now = Instant.now();
    String good = sign(devKey, claims(user).build());
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "expired",
        sign(
            devKey,
            claims(user).expirationTime(Date.from(now.minus(Duration.ofMinutes(10)))).build()));
    bad.put(
        "not yet valid",
        sign(
            devKey,
            claims(user).notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10)))).build()));
    bad.put(
        "wrong issuer", sign(devKey, claims(user).issuer("https://evil.example.test/").build()));
    bad.put("wrong audience", sign(devKey, claims(user).audience("someone-else").build()));
    bad.put("alg none", new PlainJWT(new PlainHeader(), claims(user).build()).serialize());
    bad.put("wrong key", AccessMatrixTest.forgedAdminToken(user));
    bad.put(
        "tampered",
        good.substring(0, good.indexOf('.') + 1)
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims("root").build().toString().getBytes(StandardCharsets.UTF_8))
            + good.substring(good.lastIndexOf('.')));
    bad.put("garbage", "not-a-jwt");

    for (ApiRoutes.Route route : ApiRoutes.ALL) {
      String path =
          route
              .path()
              .replace("{userId}", user)
              .replace("{workspaceId}", "ws-0000000000000000000000zzzz")
              .replace("{projectName}", "p")
              .replace("{hostId}", "h1")
              .replace("{scheduleId}", "bs-0000000000000000000000zzzz")
              .replace("{keyName}", "laptop");
      for (var entry : bad.entrySet()) {
        var reply = api.send(route.method(), path, entry.getValue(), "{}", "application/json");
        assertThat(reply.status())
            .as(route.key() + " with a token " + entry.getKey())
            .isEqualTo(401);
        assertThat(reply.at("/type")).isEqualTo("https://a4c.io/problems/unauthorized");
      }
    }
    assertThat(api.get("/v1/users/" + user + "/workspaces", good).status()).isEqualTo(200);
  }

  /**
   * With {@code A4C_JWT_ISSUER} and {@code A4C_JWKS_URL} the gateway takes a real issuer's tokens
   * (its JWKS served on 127.0.0.1), passes their claims on as API Gateway does, refuses the
   * development key's, and mints none.
   */
  @Test
  void inIssuerModeTheGatewayTakesTheIssuersTokensOnly(LocalRuntime runtime) throws Exception {
    RSAKey idpKey = new RSAKeyGenerator(2048).keyID("idp").generate();
    byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    HttpServer idp =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    idp.createContext(
        "/jwks",
        exchange -> {
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    idp.start();
    var seen = new AtomicReference<Map<String, String>>();
    ApiHandler echo =
        event -> {
          seen.set(event.getRequestContext().getAuthorizer().getJwt().getClaims());
          return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("{}").build();
        };
    String issuer = "https://idp.example.test";
    var tokens =
        LocalTokens.issuer(
            issuer,
            URI.create("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks").toURL(),
            "a4c-api",
            Clock.systemUTC());
    try (var gateway =
        new ApiGatewayServer(
            0,
            Map.of(ApiRoutes.Function.WORKSPACES, echo, ApiRoutes.Function.ADMIN, echo),
            tokens,
            EventJson.newMapper(),
            () -> true)) {
      gateway.start();
      String base = "http://127.0.0.1:" + gateway.port();
      var idpToken =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp").build(),
              new JWTClaimsSet.Builder()
                  .issuer(issuer)
                  .audience("a4c-api")
                  .subject("carol")
                  .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                  .build());
      idpToken.sign(new RSASSASigner(idpKey));

      assertThat(get(base + "/v1/users/carol/workspaces", idpToken.serialize())).isEqualTo(200);
      assertThat(seen.get()).containsEntry("sub", "carol").containsEntry("iss", issuer);
      assertThat(get(base + "/v1/users/carol/workspaces", runtime.mintToken("carol", true)))
          .isEqualTo(401);
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/local/tokens"))
                          .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"x\"}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
    } finally {
      idp.stop(0);
    }
  }

  private static int get(String url, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .header("authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
