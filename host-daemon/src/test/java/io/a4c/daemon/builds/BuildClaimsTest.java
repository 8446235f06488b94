package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.a4c.daemon.aws.CallerProofs;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonConfigTest;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import io.a4c.events.HostEventSignatures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The builder's claim call against a stand-in for Lambda's Invoke API (an HTTP server in this JVM
 * answering as the build-claim function would): the answer is read, a function error or an
 * unreadable answer is an {@link IllegalStateException}, which leaves the job for a later delivery.
 */
class BuildClaimsTest {
  private static final String FUNCTION = "a4c-test-BuildClaim";
  private static final BuildClaim CLAIM =
      BuildClaim.of("bs-" + "0".repeat(26), "alice", "h1", "h1/0", 2);
  private static final byte[] KEY = new byte[32];

  private HttpServer lambda;
  private LambdaClient client;
  private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  private volatile String answer;
  private volatile String functionError;

  @BeforeEach
  void startLambda() throws IOException {
    lambda = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    lambda.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestURI().getPath()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (functionError != null) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError);
          }
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    lambda.start();
    client =
        LambdaClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + lambda.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stopLambda() {
    client.close();
    lambda.stop(0);
  }

  private BuildClaims claims() {
    var env = DaemonConfigTest.minimal();
    env.putAll(
        Map.of(
            DaemonEnv.BUILDER, "true",
            DaemonEnv.IMAGE_REPOSITORY, "10.250.0.1:5000/a4c-images",
            DaemonEnv.BUILD_CLAIM_FUNCTION, FUNCTION,
            DaemonEnv.BUILD_QUEUE_URL_AMD64, "http://127.0.0.1:1/q",
            DaemonEnv.EVENT_KEY, Base64.getEncoder().encodeToString(KEY)));
    var config = DaemonConfig.fromEnvironment(env);
    return new BuildClaims(client, EventJson.newMapper(), config, new CallerProofs(config));
  }

  @Test
  void theClaimGoesToTheConfiguredFunctionWithThisHostsProofAndItsGrantIsRead() throws Exception {
    answer = EventJson.newMapper().writeValueAsString(BuildClaimAnswer.grant(2));

    assertThat(claims().claim(CLAIM)).isEqualTo(BuildClaimAnswer.grant(2));

    assertThat(requests).hasSize(1);
    String request = requests.peek();
    assertThat(request).startsWith("/2015-03-31/functions/" + FUNCTION + "/invocations ");
    String payload = request.substring(request.indexOf(' ') + 1);
    var sent = EventJson.newMapper().readValue(payload, BuildClaim.class);
    assertThat(sent.withProof(null)).isEqualTo(CLAIM);
    assertThat(sent.proof().callerIdentity()).isNull();
    assertThat(HostEventSignatures.verify(KEY, CLAIM.signedText(), sent.proof().signature()))
        .as("signed with this host's event key")
        .isTrue();
  }

  @Test
  void aRefusalCarriesTheBuildsStatusAndTheReason() throws Exception {
    var refusal = BuildClaimAnswer.refuse(BuildStatus.IN_PROGRESS, "claimed by h2/1");
    answer = EventJson.newMapper().writeValueAsString(refusal);

    assertThat(claims().claim(CLAIM)).isEqualTo(refusal);
  }

  @Test
  void aFunctionErrorIsAnIllegalStateSoTheJobWaitsForALaterDelivery() {
    functionError = "Unhandled";
    answer = "{\"errorMessage\":\"boom\"}";

    assertThatThrownBy(() -> claims().claim(CLAIM))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unhandled")
        .hasMessageContaining("boom");
  }

  @Test
  void anAnswerThatIsNotAClaimAnswerIsAnIllegalState() {
    answer = "[1, 2]";

    assertThatThrownBy(() -> claims().claim(CLAIM))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not be read");
  }
}
