package io.a4c.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.infra.config.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.deployment.Source;

/**
 * The stacks under test, synthesized once per test run (synthesis is the slow part) with the
 * feature flags of {@code cdk.json} and a placeholder directory instead of the functions' jar.
 */
public final class TestStacks {
  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "eu-west-1";
  public static final String ISSUER = "https://login.example.com/";
  public static final List<String> AUDIENCE = List.of("a4c-cli", "a4c-web");
  public static final List<String> HOSTS = List.of("h1", "rack-2");
  public static final String TRUST_ANCHOR =
      "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/"
          + "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  /** A dev stack, as a developer deploys it. */
  public static final String DEV = "dev";

  /**
   * A prod stack, with an alarm email, one tag prefix per project, users' email domain and a
   * default idle stop.
   */
  public static final String PROD = "prod";

  /** A prod stack whose hosts authenticate with IAM Roles Anywhere certificates. */
  public static final String PROD_ROLES_ANYWHERE = "prod-roles-anywhere";

  private static final Map<String, Synthesized> CACHE = new ConcurrentHashMap<>();

  /** A synthesized stack and its template. */
  public record Synthesized(A4cStack stack, Template template) {}

  private TestStacks() {}

  public static Template template(String variant) {
    return synthesized(variant).template();
  }

  public static A4cStack stack(String variant) {
    return synthesized(variant).stack();
  }

  public static Synthesized synthesized(String variant) {
    return CACHE.computeIfAbsent(variant, v -> synthesize(contextOf(v)));
  }

  /** The context values of a variant, as {@code -c key=value} pairs would give them. */
  public static Map<String, Object> contextOf(String variant) {
    Map<String, Object> context = new HashMap<>();
    context.put("jwtIssuer", ISSUER);
    context.put("jwtAudience", AUDIENCE);
    context.put("senderEmail", "builds@example.com");
    context.put("hosts", HOSTS);
    switch (variant) {
      case DEV -> context.put("env", "dev");
      case PROD -> {
        context.put("env", "prod");
        context.put("alarmEmail", "ops@example.com");
        context.put("imageProjects", "game,engine");
        context.put("userEmailDomain", "users.example.com");
        context.put("idleStopMinutes", "120");
      }
      case PROD_ROLES_ANYWHERE -> {
        context.put("env", "prod");
        context.put("hostTrustAnchorArn", TRUST_ANCHOR);
      }
      default -> throw new IllegalArgumentException(variant);
    }
    return context;
  }

  /** Synthesizes a stack from context values in a fresh app. */
  public static Synthesized synthesize(Map<String, Object> contextValues) {
    DeployContext context = DeployContext.read(contextValues::get);
    App app = App.Builder.create().context(cdkJsonContext()).build();
    A4cStack stack =
        new A4cStack(
            app,
            "a4c-" + context.settings().name(),
            StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(REGION).build())
                .build(),
            context,
            Code.fromAsset(Path.of("src/test/resources/placeholder").toString()),
            Source.asset(Path.of("src/test/resources/placeholder").toString()));
    return new Synthesized(stack, Template.fromStack(stack));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson =
          new ObjectMapper().readValue(Path.of("cdk.json").toFile(), Map.class);
      return (Map<String, Object>) cdkJson.get("context");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cdk.json (tests run from infra/cdk)", e);
    }
  }
}
