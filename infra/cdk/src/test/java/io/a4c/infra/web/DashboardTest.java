package io.a4c.infra.web;

import static io.a4c.infra.TemplateJson.asList;
import static io.a4c.infra.TemplateJson.logicalId;
import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The dashboard's bucket and distribution, and the API's CORS naming exactly its origin. */
class DashboardTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void theBucketIsPrivateEncryptedAndReadOnlyByTheDistribution() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "PublicAccessBlockConfiguration",
            Map.of(
                "BlockPublicAcls", true,
                "BlockPublicPolicy", true,
                "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true),
            "BucketEncryption",
            Match.objectLike(Map.of())));
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    String policy =
        resources(template, "AWS::S3::BucketPolicy").values().stream()
            .map(r -> properties(r).toString())
            .filter(p -> p.contains(logicalId(stack.dashboard().bucket())))
            .findFirst()
            .orElseThrow();
    assertThat(policy).contains("cloudfront.amazonaws.com", "s3:GetObject", "aws:SecureTransport");
  }

  @Test
  void theDistributionServesHttpsOnlyWithThePagesSecurityHeaders() {
    template.hasResourceProperties(
        "AWS::CloudFront::Distribution",
        Map.of(
            "DistributionConfig",
            Match.objectLike(
                Map.of(
                    "DefaultRootObject",
                    "index.html",
                    "DefaultCacheBehavior",
                    Match.objectLike(Map.of("ViewerProtocolPolicy", "redirect-to-https"))))));
    template.hasResourceProperties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        Map.of(
            "ResponseHeadersPolicyConfig",
            Match.objectLike(
                Map.of(
                    "SecurityHeadersConfig",
                    Match.objectLike(
                        Map.of(
                            "ContentSecurityPolicy",
                            Map.of(
                                "ContentSecurityPolicy",
                                Dashboard.CONTENT_SECURITY_POLICY,
                                "Override",
                                true)))))));
    assertThat(Dashboard.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
  }

  @Test
  void theApiAllowsCorsFromTheDistributionAlone() {
    var api =
        resources(template, "AWS::ApiGatewayV2::Api").values().stream()
            .map(r -> properties(r))
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    var cors = (Map<String, Object>) api.get("CorsConfiguration");
    assertThat(cors).isNotNull();
    List<Object> origins = asList(cors.get("AllowOrigins"));
    assertThat(origins).hasSize(1);
    String distribution = logicalId(stack.dashboard().distribution());
    assertThat(origins.getFirst().toString()).contains("https://", distribution, "DomainName");
    assertThat(asList(cors.get("AllowHeaders")))
        .containsExactlyInAnyOrder("authorization", "content-type", "idempotency-key");
    assertThat(cors).doesNotContainKey("AllowCredentials");
  }

  @Test
  void theOnlyFunctionBesidesA4csIsTheDeploymentThatUploadsThePage() {
    var others =
        resources(template, "AWS::Lambda::Function").values().stream()
            .map(f -> String.valueOf(properties(f).get("Handler")))
            .filter(handler -> !handler.startsWith("io.a4c."))
            .toList();
    assertThat(others).containsExactly("index.handler");
  }

  @Test
  void thePageLearnsTheApiIssuerAndPublicClientFromItsConfigFile() {
    assertThat(resources(template, "Custom::CDKBucketDeployment")).hasSize(1);
    assertThat(stack.dashboard().pageConfig())
        .containsOnly(
            Map.entry("apiUrl", stack.api().url()),
            Map.entry("issuer", TestStacks.ISSUER),
            Map.entry("clientId", TestStacks.AUDIENCE.getFirst()));
  }
}
