package io.a4c.functions.hostauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.a4c.events.BuildClaim;
import io.a4c.events.CallerProof;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * A build claim is put to the lease only when its proof shows that the host it names sent it.
 *
 * <p>In AWS the proof is a presigned STS GetCallerIdentity. STS cannot run here, so an HTTP server
 * in this JVM stands in for it, answering as STS does (its JSON, its 403 for a bad signature, a
 * 500): a stand-in for a service with no open-source emulator, not for anything A4C runs. It
 * records what the function sent, so the test checks that the request went to the configured
 * endpoint with the claim's digest, whatever the proof says.
 */
class BuildClaimSendersTest {
  private static final byte[] H1_KEY = filled(1);
  private static final byte[] H2_KEY = filled(2);
  private static final BuildClaim FOR_H2 =
      BuildClaim.of("bs-" + "3".repeat(26), "alice", "h2", "h2/0", 1);
  private static final String PRESIGNED =
      "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
          + "&X-Amz-Credential=ASIAEXAMPLE%2F20261202%2Fus-east-1%2Fsts%2Faws4_request"
          + "&X-Amz-Date=20261202T170000Z&X-Amz-Expires=60"
          + "&X-Amz-SignedHeaders=host%3Bx-a4c-request-digest&X-Amz-Signature=abc123"
          + "&X-Amz-Security-Token=token";

  private HttpServer sts;
  private final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile String principal = "AROAH2ROLEID:h2";

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @BeforeEach
  void startSts() throws IOException {
    sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sts.createContext(
        "/",
        exchange -> {
          asked.add(
              exchange.getRequestURI().getRawQuery()
                  + " digest="
                  + exchange.getRequestHeaders().getFirst(CallerProof.DIGEST_HEADER));
          String body =
              status == 200
                  ? "{\"GetCallerIdentityResponse\":{\"GetCallerIdentityResult\":{"
                      + "\"Account\":\"123456789012\",\"Arn\":\"arn:aws:sts::123456789012:"
                      + "assumed-role/a4c-host/x\",\"UserId\":\""
                      + principal
                      + "\"}}}"
                  : "{\"Error\":{\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"no\"}}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    sts.start();
  }

  @AfterEach
  void stopSts() {
    sts.stop(0);
  }

  private HostEventSenders inAws(Map<String, String> extra) {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.STS_ENDPOINT, "http://127.0.0.1:" + sts.getAddress().getPort());
    env.putAll(extra);
    var config = FunctionsConfig.fromEnvironment(env);
    var identity = new StsCallerIdentity(UrlConnectionHttpClient.create(), config);
    return new HostEventSenders(config, () -> identity);
  }

  private static HostEventSenders locally() {
    var env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.HOST_AUTH, "signature");
    env.put(
        FunctionsEnv.HOST_EVENT_KEYS,
        "h1="
            + Base64.getEncoder().encodeToString(H1_KEY)
            + ",h2="
            + Base64.getEncoder().encodeToString(H2_KEY));
    return new HostEventSenders(
        FunctionsConfig.fromEnvironment(env),
        () -> {
          throw new AssertionError("the signature check never asks STS");
        });
  }

  @Test
  void locallyAClaimMustBeSignedWithTheKeyOfTheHostItNames() {
    var senders = locally();

    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.signed(H2_KEY, FOR_H2.signedText()))))
        .isEmpty();
    // h1, holding only its own key, claiming for h2's slot.
    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.signed(H1_KEY, FOR_H2.signedText()))))
        .get()
        .asString()
        .contains("not host h2's");
    // h2's genuine signature moved onto another claim.
    var other = BuildClaim.of("bs-" + "4".repeat(26), "alice", "h2", "h2/0", 1);
    assertThat(senders.refusal(other.withProof(CallerProof.signed(H2_KEY, FOR_H2.signedText()))))
        .isPresent();
    assertThat(senders.refusal(FOR_H2)).get().asString().contains("no proof");
  }

  @Test
  void inAwsStsMustNameTheHostsOwnRoleSessionForThisClaim() {
    var senders = inAws(Map.of(FunctionsEnv.HOST_ROLE_IDS, "h1=AROAH1ROLEID,h2=AROAH2ROLEID"));

    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.presigned(PRESIGNED)))).isEmpty();
    // The same parameters (in any order: SigV4 signs them sorted), and the claim's digest.
    assertThat(asked).hasSize(1);
    String[] sent = asked.peek().split(" digest=");
    assertThat(sent[0].split("&")).containsExactlyInAnyOrder(PRESIGNED.split("&"));
    assertThat(sent[1]).isEqualTo(FOR_H2.digest());

    principal = "AROAH1ROLEID:h1";
    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.presigned(PRESIGNED))))
        .get()
        .asString()
        .contains("not host h2");
    // h1's role with a session it named "h2".
    principal = "AROAH1ROLEID:h2";
    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.presigned(PRESIGNED))))
        .get()
        .asString()
        .contains("not the role of host h2");
  }

  @Test
  void aProofStsRefusesProvesNothingAndAnStsFailureIsRetried() {
    var senders = inAws(Map.of());

    status = 403;
    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.presigned(PRESIGNED))))
        .get()
        .asString()
        .contains("403")
        .contains("SignatureDoesNotMatch");
    status = 500;
    assertThatThrownBy(() -> senders.refusal(FOR_H2.withProof(CallerProof.presigned(PRESIGNED))))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aPresignedRequestThatIsNotAShortGetCallerIdentityForThisClaimIsNeverSent() {
    var senders = inAws(Map.of());

    for (String query :
        new String[] {
          PRESIGNED.replace("GetCallerIdentity", "AssumeRole"),
          PRESIGNED.replace("X-Amz-Expires=60", "X-Amz-Expires=3600"),
          PRESIGNED.replace("host%3Bx-a4c-request-digest", "host"),
          PRESIGNED + "&RoleArn=arn",
          PRESIGNED.replace("&X-Amz-Signature=abc123", "")
        }) {
      assertThat(senders.refusal(FOR_H2.withProof(CallerProof.presigned(query))))
          .as(query)
          .isPresent();
    }
    assertThat(senders.refusal(FOR_H2.withProof(CallerProof.signed(H2_KEY, "x"))))
        .get()
        .asString()
        .contains("not a presigned caller identity");
    assertThat(asked).isEmpty();
  }
}
