package io.a4c.daemon.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.a4c.daemon.aws.CallerProofs;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildClaimAnswer;
import io.a4c.events.EventJson;
import java.io.IOException;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Asks the build-claim function (a synchronous Lambda invoke with the host's role) to take a build:
 * the function makes the one conditional write that decides who runs it. The invoke carries no
 * caller identity, so each claim carries this host's proof ({@link CallerProofs}). An answer is
 * read ignoring fields of a later release ({@link EventJson#messageReader}). Thread-safe.
 */
@Singleton
public final class BuildClaims {
  private final LambdaClient lambda;
  private final ObjectMapper json;
  private final ObjectReader answers;
  private final String function;
  private final CallerProofs proofs;

  @Inject
  public BuildClaims(
      LambdaClient lambda, ObjectMapper json, DaemonConfig config, CallerProofs proofs) {
    this.lambda = lambda;
    this.proofs = proofs;
    this.json = json;
    this.answers = EventJson.messageReader(json, BuildClaimAnswer.class);
    this.function = config.builder().claimFunction();
  }

  /**
   * The function's answer to {@code claim}, sent with this host's proof.
   *
   * @throws IllegalStateException when the function failed or could not be reached: the builder
   *     then leaves the job for a later delivery
   */
  public BuildClaimAnswer claim(BuildClaim claim) {
    String payload;
    try {
      payload = json.writeValueAsString(proofs.prove(claim));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("claim could not be serialised", e);
    }
    var response =
        lambda.invoke(b -> b.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
    String answer = response.payload() == null ? "" : response.payload().asUtf8String();
    if (response.functionError() != null) {
      throw new IllegalStateException(
          "the build-claim function failed: " + response.functionError() + " " + answer);
    }
    try {
      return answers.readValue(answer);
    } catch (IOException e) {
      throw new IllegalStateException("the build-claim function's answer could not be read", e);
    }
  }
}
