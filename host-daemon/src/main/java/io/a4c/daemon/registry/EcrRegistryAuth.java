package io.a4c.daemon.registry;

import com.github.dockerjava.api.model.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;

/**
 * Logs in to an ECR private registry as {@code docker login} with {@code aws ecr
 * get-login-password} would: ECR's GetAuthorizationToken (allowed to every host role) gives a
 * base64 {@code AWS:<password>} valid for 12 hours, which is sent as user and password.
 *
 * <p>The token is cached and fetched again {@link #REFRESH_BEFORE_EXPIRY} before it expires. That
 * margin is not a few minutes but the longest operation that uses a token: the registry checks the
 * credentials on every layer of a push, and a push may run for an hour ({@code
 * DockerImageBuilder#PUSH_TIMEOUT}). Thread-safe: one fetch at a time, the rest wait for it.
 */
public final class EcrRegistryAuth implements RegistryAuth {
  private static final Logger log = LoggerFactory.getLogger(EcrRegistryAuth.class);

  /** A cached token is fetched again once it has less than this left. */
  static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(60);

  private final ImageRepository repository;
  private final EcrClient ecr;
  private final Clock clock;
  private AuthConfig cached;
  private Instant refreshAt = Instant.MIN;

  /**
   * @param repository the repository whose registry gets the credentials, and only it
   * @param ecr a client of the registry's region, with the host's credentials
   */
  public EcrRegistryAuth(ImageRepository repository, EcrClient ecr, Clock clock) {
    this.repository = repository;
    this.ecr = ecr;
    this.clock = clock;
  }

  @Override
  public Optional<AuthConfig> forImage(String imageRef) {
    if (!ImageRepository.registryOf(imageRef).equals(Optional.of(repository.registry()))) {
      return Optional.empty();
    }
    return Optional.of(current());
  }

  private synchronized AuthConfig current() {
    Instant now = clock.instant();
    if (cached == null || !now.isBefore(refreshAt)) {
      AuthorizationData data = fetch();
      cached = decode(data);
      refreshAt = refreshAt(now, data.expiresAt());
      log.atInfo()
          .addKeyValue("registry", repository.registry())
          .addKeyValue("expiresAt", data.expiresAt())
          .log("registry login refreshed");
    }
    return cached;
  }

  /**
   * When to fetch again: {@link #REFRESH_BEFORE_EXPIRY} before expiry, or half-way for a token that
   * lives shorter than twice that (a token from temporary credentials may end with them), so a
   * short token is still cached rather than fetched for every push and pull.
   */
  static Instant refreshAt(Instant now, Instant expiresAt) {
    if (expiresAt == null || !expiresAt.isAfter(now)) {
      return now;
    }
    Duration halfLeft = Duration.between(now, expiresAt).dividedBy(2);
    return expiresAt.minus(
        halfLeft.compareTo(REFRESH_BEFORE_EXPIRY) < 0 ? halfLeft : REFRESH_BEFORE_EXPIRY);
  }

  private AuthorizationData fetch() {
    try {
      var data = ecr.getAuthorizationToken().authorizationData();
      if (data == null || data.isEmpty()) {
        throw new RegistryLoginFailed(
            "ECR answered GetAuthorizationToken with no authorization data", null);
      }
      return data.getFirst();
    } catch (SdkException e) {
      throw new RegistryLoginFailed("ECR GetAuthorizationToken failed: " + e.getMessage(), e);
    }
  }

  /** {@code base64(AWS:<password>)} as docker-java credentials for the token's proxy endpoint. */
  private AuthConfig decode(AuthorizationData data) {
    String token = data.authorizationToken();
    String decoded;
    try {
      decoded =
          token == null
              ? ""
              : new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = "";
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || colon == decoded.length() - 1) {
      // Not the token in the message: it is a credential, however malformed.
      throw new RegistryLoginFailed(
          "ECR answered with an authorization token that is not base64 user:password", null);
    }
    String endpoint =
        data.proxyEndpoint() == null ? "https://" + repository.registry() : data.proxyEndpoint();
    return new AuthConfig()
        .withUsername(decoded.substring(0, colon))
        .withPassword(decoded.substring(colon + 1))
        .withRegistryAddress(endpoint);
  }
}
