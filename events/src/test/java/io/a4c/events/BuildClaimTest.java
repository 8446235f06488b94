package io.a4c.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a claim's proof covers: every field of the claim, and nothing a host event could be. */
class BuildClaimTest {
  private static final BuildClaim CLAIM =
      BuildClaim.of("bs-" + "0".repeat(26), "alice", "h1", "h1/0", 1);

  @Test
  void theSignedTextAndDigestChangeWithEveryFieldButNotWithTheProof() {
    var others =
        List.of(
            BuildClaim.of("bs-" + "1".repeat(26), "alice", "h1", "h1/0", 1),
            BuildClaim.of("bs-" + "0".repeat(26), "bob", "h1", "h1/0", 1),
            BuildClaim.of("bs-" + "0".repeat(26), "alice", "h2", "h2/0", 1),
            BuildClaim.of("bs-" + "0".repeat(26), "alice", "h1", "h1/1", 1),
            BuildClaim.of("bs-" + "0".repeat(26), "alice", "h1", "h1/0", 2));

    assertThat(others)
        .allSatisfy(
            other -> {
              assertThat(other.signedText()).isNotEqualTo(CLAIM.signedText());
              assertThat(other.digest()).isNotEqualTo(CLAIM.digest());
            });
    assertThat(CLAIM.withProof(CallerProof.presigned("Action=GetCallerIdentity")).signedText())
        .isEqualTo(CLAIM.signedText());
    assertThat(CLAIM.signedText()).startsWith("a4c-build-claim\n").doesNotStartWith("{");
    assertThat(CLAIM.digest()).matches("[0-9a-f]{64}");
  }

  @Test
  void aProofIsExactlyOneOfASignatureAndAPresignedIdentity() {
    assertThatThrownBy(() -> new CallerProof(null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CallerProof("c2ln", "Action=GetCallerIdentity"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new CallerProof("c2ln", null).signature()).isEqualTo("c2ln");
  }
}
