package io.a4c.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AuthConfig;
import io.a4c.daemon.testing.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.GetAuthorizationTokenResponse;

/**
 * The ECR login: token decoding, caching until shortly before expiry, and which images get it.
 *
 * <p>ECR cannot run on this machine (no emulator of it is installed or installable here, and the
 * tests reach no AWS account), so this is the one place where a service is replaced by a stub: an
 * {@link EcrClient} that implements only {@code getAuthorizationToken()}, answering what the ECR
 * API reference documents (base64 {@code AWS:<password>}, {@code expiresAt}, {@code
 * proxyEndpoint}). That docker-java sends these credentials and a registry accepts them is not
 * shown here: the local registry needs no login, so the end-to-end build tests push and pull with
 * {@link RegistryAuth#NONE}.
 */
class EcrRegistryAuthTest {
  private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
  private static final ImageRepository REPOSITORY =
      new ImageRepository(REGISTRY, "a4c-prod-images");
  private static final String IMAGE = REPOSITORY + ":kernel_main_amd64_1234";
  private static final Instant NOW = Instant.parse("2025-06-01T08:00:00Z");

  private final StubEcr ecr = new StubEcr();
  private final MovableClock clock = new MovableClock(NOW);
  private final EcrRegistryAuth auth = new EcrRegistryAuth(REPOSITORY, ecr, clock);

  @Test
  void decodesTheTokenIntoUserAndPasswordForTheProxyEndpoint() {
    ecr.answers.add(
        token("AWS:eyJwYXlsb2FkIjoi-secret:with:colons", NOW.plus(Duration.ofHours(12))));

    AuthConfig credentials = auth.forImage(IMAGE).orElseThrow();

    assertThat(credentials.getUsername()).isEqualTo("AWS");
    assertThat(credentials.getPassword()).isEqualTo("eyJwYXlsb2FkIjoi-secret:with:colons");
    assertThat(credentials.getRegistryAddress()).isEqualTo("https://" + REGISTRY);
  }

  @Test
  void reusesTheTokenUntilAnHourBeforeItExpiresThenFetchesANewOne() {
    ecr.answers.add(token("AWS:first", NOW.plus(Duration.ofHours(12))));
    ecr.answers.add(token("AWS:second", NOW.plus(Duration.ofHours(23))));

    assertThat(auth.forImage(IMAGE).orElseThrow().getPassword()).isEqualTo("first");
    clock.set(NOW.plus(Duration.ofHours(10)).plus(Duration.ofMinutes(59)));
    assertThat(auth.forImage(IMAGE).orElseThrow().getPassword()).isEqualTo("first");
    assertThat(ecr.calls).isEqualTo(1);

    clock.set(NOW.plus(Duration.ofHours(11)));
    assertThat(auth.forImage(IMAGE).orElseThrow().getPassword()).isEqualTo("second");
    assertThat(ecr.calls).isEqualTo(2);
  }

  @Test
  void aShortLivedTokenIsCachedForHalfOfItsLife() {
    // A token from temporary credentials may end with them, well before 12 hours.
    assertThat(EcrRegistryAuth.refreshAt(NOW, NOW.plus(Duration.ofMinutes(40))))
        .isEqualTo(NOW.plus(Duration.ofMinutes(20)));
    assertThat(EcrRegistryAuth.refreshAt(NOW, NOW.plus(Duration.ofHours(12))))
        .isEqualTo(NOW.plus(Duration.ofHours(11)));
    assertThat(EcrRegistryAuth.refreshAt(NOW, null))
        .as("no expiry: fetch every time")
        .isEqualTo(NOW);
    assertThat(EcrRegistryAuth.refreshAt(NOW, NOW.minusSeconds(1))).isEqualTo(NOW);
  }

  @Test
  void noOtherRegistryEverReceivesTheCredentials() {
    ecr.answers.add(token("AWS:secret", NOW.plus(Duration.ofHours(12))));

    assertThat(auth.forImage("docker.io/library/debian:12")).isEmpty();
    assertThat(auth.forImage("debian:12")).isEmpty();
    assertThat(auth.forImage("999999999999.dkr.ecr.eu-west-1.amazonaws.com/other:1")).isEmpty();
    assertThat(auth.forImage(REGISTRY + ".evil.example/a4c-prod-images:x")).isEmpty();
    assertThat(ecr.calls).as("not even fetched").isZero();
    assertThat(auth.forImage(REGISTRY + "/a4c-prod-images:other_main_amd64_9")).isPresent();
  }

  @Test
  void aFailedOrMalformedAnswerIsALoginFailureThatNamesNoToken() {
    ecr.failure =
        (EcrException)
            EcrException.builder()
                .message("not authorized to perform ecr:GetAuthorizationToken")
                .build();
    assertThatThrownBy(() -> auth.forImage(IMAGE))
        .isInstanceOf(RegistryLoginFailed.class)
        .hasMessageContaining("not authorized");

    ecr.failure = null;
    ecr.answers.add(token("no-colon-here", NOW.plus(Duration.ofHours(12))));
    assertThatThrownBy(() -> auth.forImage(IMAGE))
        .isInstanceOf(RegistryLoginFailed.class)
        .message()
        .doesNotContain("no-colon-here");
    ecr.answers.add(GetAuthorizationTokenResponse.builder().build());
    assertThatThrownBy(() -> auth.forImage(IMAGE))
        .isInstanceOf(RegistryLoginFailed.class)
        .hasMessageContaining("no authorization data");

    // After failures the next good answer is used.
    ecr.answers.add(token("AWS:good", NOW.plus(Duration.ofHours(12))));
    assertThat(auth.forImage(IMAGE).orElseThrow().getPassword()).isEqualTo("good");
  }

  private static GetAuthorizationTokenResponse token(String userAndPassword, Instant expiresAt) {
    return GetAuthorizationTokenResponse.builder()
        .authorizationData(
            AuthorizationData.builder()
                .authorizationToken(
                    Base64.getEncoder()
                        .encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)))
                .expiresAt(expiresAt)
                .proxyEndpoint("https://" + REGISTRY)
                .build())
        .build();
  }

  /**
   * Answers GetAuthorizationToken from a queue; every other operation is the SDK's default refusal.
   */
  private static final class StubEcr implements EcrClient {
    final Deque<GetAuthorizationTokenResponse> answers = new ArrayDeque<>();
    EcrException failure;
    int calls;

    @Override
    public GetAuthorizationTokenResponse getAuthorizationToken() {
      calls++;
      if (failure != null) {
        throw failure;
      }
      return answers.removeFirst();
    }

    @Override
    public String serviceName() {
      return EcrClient.SERVICE_NAME;
    }

    @Override
    public void close() {}
  }
}
