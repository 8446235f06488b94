package io.a4c.daemon.aws;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.BuildClaim;
import io.a4c.events.CallerProof;
import java.time.Duration;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Proves to the build-claim function that a claim comes from this host ({@link CallerProof}), as
 * the deployment checks senders: where the daemon has an event key (the local runtime), an HMAC of
 * the claim with it; otherwise (AWS) an STS {@code GetCallerIdentity} request presigned with the
 * host role session's own credentials, its signed headers binding it to this one claim's digest,
 * valid for {@link #VALID_FOR}. Nothing is sent to STS here: the function sends it. Thread-safe.
 */
@Singleton
public final class CallerProofs {
  /** How long a presigned proof stays valid: a claim is checked within seconds of being made. */
  static final Duration VALID_FOR = Duration.ofMinutes(1);

  private static final String STS_VERSION = "2011-06-15";

  private final Optional<byte[]> key;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  @Inject
  public CallerProofs(DaemonConfig config) {
    this(
        config.eventKey(),
        config.region(),
        config.eventKey().isPresent() ? null : DefaultCredentialsProvider.builder().build());
  }

  /**
   * @param credentials the host role session's, for a presigned proof (unused with a key)
   */
  CallerProofs(Optional<byte[]> key, String region, AwsCredentialsProvider credentials) {
    this.key = key;
    this.region = region;
    this.credentials = credentials;
  }

  /** {@code claim} with its proof. */
  public BuildClaim prove(BuildClaim claim) {
    if (key.isPresent()) {
      return claim.withProof(CallerProof.signed(key.get(), claim.signedText()));
    }
    var request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("https")
            .host("sts." + region + ".amazonaws.com")
            .encodedPath("/")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Version", STS_VERSION)
            .putHeader(CallerProof.DIGEST_HEADER, claim.digest())
            .build();
    var signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(
                        AwsV4FamilyHttpSigner.AUTH_LOCATION,
                        AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                    .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, VALID_FOR));
    String query =
        signed
            .request()
            .encodedQueryParameters()
            .orElseThrow(() -> new IllegalStateException("the presigned request has no query"));
    return claim.withProof(CallerProof.presigned(query));
  }
}
