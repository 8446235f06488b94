package io.a4c.infra.web;

import io.a4c.infra.config.EnvSettings;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentSecurityPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.ISource;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

/**
 * The dashboard (web/) in AWS: its built files in a private S3 bucket, served by a CloudFront
 * distribution that alone may read it (origin access control), HTTPS only, with security headers
 * and a Content-Security-Policy ({@link #CONTENT_SECURITY_POLICY}). {@link #origin()} is the one
 * origin the API's CORS allows. {@link #deploy} uploads the files with the {@code config.json} that
 * tells the page where the API and the issuer are.
 */
public final class Dashboard extends Construct {
  /**
   * The page's own files only, no inline script or style, no framing. Calls may go to any HTTPS
   * origin: the API's URL cannot be named here (the API's CORS names this distribution, which would
   * be a cycle) and an identity provider's token endpoint may be on another host than its issuer
   * (Cognito's hosted domain).
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self' https:; object-src 'none'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'";

  private final Bucket bucket;
  private final Distribution distribution;
  private Map<String, String> pageConfig = Map.of();

  public Dashboard(Construct scope, String id, EnvSettings settings) {
    super(scope, id);
    bucket =
        Bucket.Builder.create(this, "Files")
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .encryption(BucketEncryption.S3_MANAGED)
            .enforceSsl(true)
            .removalPolicy(settings.removalPolicy())
            .build();
    var headers =
        ResponseHeadersPolicy.Builder.create(this, "Headers")
            .comment("A4C dashboard security headers (" + settings.name() + ")")
            .securityHeadersBehavior(
                ResponseSecurityHeadersBehavior.builder()
                    .contentSecurityPolicy(
                        ResponseHeadersContentSecurityPolicy.builder()
                            .contentSecurityPolicy(CONTENT_SECURITY_POLICY)
                            .override(true)
                            .build())
                    .contentTypeOptions(
                        ResponseHeadersContentTypeOptions.builder().override(true).build())
                    .frameOptions(
                        ResponseHeadersFrameOptions.builder()
                            .frameOption(HeadersFrameOption.DENY)
                            .override(true)
                            .build())
                    .referrerPolicy(
                        ResponseHeadersReferrerPolicy.builder()
                            .referrerPolicy(HeadersReferrerPolicy.NO_REFERRER)
                            .override(true)
                            .build())
                    .strictTransportSecurity(
                        ResponseHeadersStrictTransportSecurity.builder()
                            .accessControlMaxAge(Duration.days(365))
                            .includeSubdomains(true)
                            .override(true)
                            .build())
                    .build())
            .build();
    distribution =
        Distribution.Builder.create(this, "Distribution")
            .comment("A4C dashboard (" + settings.name() + ")")
            .defaultRootObject("index.html")
            .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021)
            .priceClass(PriceClass.PRICE_CLASS_100)
            .defaultBehavior(
                BehaviorOptions.builder()
                    .origin(S3BucketOrigin.withOriginAccessControl(bucket))
                    .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                    .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                    .responseHeadersPolicy(headers)
                    .build())
            .build();
  }

  /**
   * Uploads the built page ({@code files}, web/dist) and its {@code config.json}: the API's root,
   * the issuer and the public client id the sign-in uses (no secret: PKCE). Invalidates the two
   * files whose names do not change; Vite names the others by their content's hash.
   */
  public void deploy(ISource files, String apiUrl, String jwtIssuer, String clientId) {
    pageConfig = Map.of("apiUrl", apiUrl, "issuer", jwtIssuer, "clientId", clientId);
    BucketDeployment.Builder.create(this, "Deployment")
        .destinationBucket(bucket)
        .sources(List.of(files, Source.jsonData("config.json", pageConfig)))
        .distribution(distribution)
        .distributionPaths(List.of("/index.html", "/config.json"))
        .build();
  }

  /** The page's origin, {@code https://<distribution domain>}: what the API's CORS allows. */
  public String origin() {
    return "https://" + distribution.getDistributionDomainName();
  }

  /** What {@link #deploy} wrote into {@code config.json} (tokens unresolved). */
  public Map<String, String> pageConfig() {
    return pageConfig;
  }

  public Bucket bucket() {
    return bucket;
  }

  public Distribution distribution() {
    return distribution;
  }
}
