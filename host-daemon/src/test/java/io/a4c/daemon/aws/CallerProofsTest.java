package io.a4c.daemon.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.BuildClaim;
import io.a4c.events.CallerProof;
import io.a4c.events.HostEventSignatures;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A claim's proof as the daemon makes it: locally an HMAC with its event key; in AWS an STS
 * GetCallerIdentity presigned with the role session's credentials and bound to this claim. STS
 * itself cannot run here: what STS checks (the signature) is the SDK's signer's, so this checks
 * what the function relies on besides it — the action, the signed digest header, the expiry, the
 * session token — and that nothing secret but the signature leaves the host.
 */
class CallerProofsTest {
  private static final BuildClaim CLAIM =
      BuildClaim.of("bs-" + "1".repeat(26), "alice", "h1", "h1/0", 1);

  @Test
  void locallyTheProofIsTheClaimSignedWithTheHostsKey() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);

    var proven = new CallerProofs(Optional.of(key), "us-east-1", null).prove(CLAIM);

    assertThat(proven.withProof(null)).isEqualTo(CLAIM);
    assertThat(HostEventSignatures.verify(key, CLAIM.signedText(), proven.proof().signature()))
        .isTrue();
    assertThat(proven.proof().callerIdentity()).isNull();
  }

  @Test
  void inAwsTheProofIsAGetCallerIdentityPresignedForThisClaimOnly() {
    var credentials =
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create("ASIAEXAMPLEKEYID", "secret-never-sent", "session-token"));

    CallerProof proof =
        new CallerProofs(Optional.empty(), "eu-west-1", credentials).prove(CLAIM).proof();

    assertThat(proof.signature()).isNull();
    Map<String, String> query = parse(proof.callerIdentity());
    assertThat(query)
        .containsEntry("Action", "GetCallerIdentity")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Expires", "60")
        .containsEntry("X-Amz-Security-Token", "session-token")
        .containsKey("X-Amz-Signature");
    assertThat(query.get("X-Amz-Credential"))
        .startsWith("ASIAEXAMPLEKEYID/")
        .contains("/eu-west-1/sts/");
    assertThat(List.of(query.get("X-Amz-SignedHeaders").split(";")))
        .contains("host", CallerProof.DIGEST_HEADER);
    assertThat(proof.callerIdentity()).doesNotContain("secret-never-sent");
    // Another claim gets another signature: its digest header differs.
    CallerProof other =
        new CallerProofs(Optional.empty(), "eu-west-1", credentials)
            .prove(BuildClaim.of("bs-" + "2".repeat(26), "alice", "h1", "h1/0", 1))
            .proof();
    assertThat(parse(other.callerIdentity()).get("X-Amz-Signature"))
        .isNotEqualTo(query.get("X-Amz-Signature"));
  }

  private static Map<String, String> parse(String query) {
    Map<String, String> parameters = new HashMap<>();
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }
}
