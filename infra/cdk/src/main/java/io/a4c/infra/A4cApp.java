package io.a4c.infra;

import io.a4c.infra.config.DeployContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.s3.deployment.ISource;
import software.amazon.awscdk.services.s3.deployment.Source;

/**
 * The CDK app's entry point ({@code cdk synth|deploy -c env=dev|prod ...}, see docs/deploy.md). The
 * only class that reads the process environment: the account and region the CDK CLI resolved.
 */
public final class A4cApp {
  /** Where {@code mvn -pl functions -am package} leaves the functions' shaded jar. */
  static final Path DEFAULT_FUNCTIONS_JAR = Path.of("../../functions/target/a4c-functions.jar");

  static final Path DEFAULT_DASHBOARD_DIST = Path.of("../../web/dist");

  private A4cApp() {}

  public static void main(String[] args) {
    App app = new App();
    DeployContext context = DeployContext.read(app.getNode()::tryGetContext);
    new A4cStack(
        app,
        "a4c-" + context.settings().name(),
        StackProps.builder()
            .env(environment(System.getenv()))
            .description("A4C workspace provisioning (" + context.settings().name() + ")")
            .build(),
        context,
        functionsCode(context),
        dashboardFiles(context));
    app.synth();
  }

  private static Environment environment(Map<String, String> env) {
    return Environment.builder()
        .account(env.get("CDK_DEFAULT_ACCOUNT"))
        .region(env.get("CDK_DEFAULT_REGION"))
        .build();
  }

  /**
   * The functions' jar; when it is missing, a dev synth gets a placeholder (so {@code cdk synth}
   * works before the functions are built) with a loud message, and prod refuses.
   */
  static Code functionsCode(DeployContext context) {
    Path jar = context.functionsJar().map(Path::of).orElse(DEFAULT_FUNCTIONS_JAR);
    if (Files.isRegularFile(jar)) {
      return Code.fromAsset(jar.toString());
    }
    if (context.settings().production()) {
      throw new IllegalStateException(
          "functions jar not found at "
              + jar.toAbsolutePath().normalize()
              + ": build it (mvn -pl functions -am package) or pass -c functionsJar=PATH");
    }
    System.err.printf(
        "WARNING: functions jar not found at %s; synthesizing with a PLACEHOLDER that cannot"
            + " serve requests. Build it with: mvn -pl functions -am package%n",
        jar.toAbsolutePath().normalize());
    return Code.fromAsset(placeholder().toString());
  }

  /**
   * The dashboard's built files (web/dist, which the local module's Maven build makes); when they
   * are missing, dev gets a placeholder page with a loud message, and prod refuses.
   */
  static ISource dashboardFiles(DeployContext context) {
    if (Files.isRegularFile(DEFAULT_DASHBOARD_DIST.resolve("index.html"))) {
      return Source.asset(DEFAULT_DASHBOARD_DIST.toString());
    }
    String build = "build it with: web/build.sh (or mvn -pl local -am package)";
    if (context.settings().production()) {
      throw new IllegalStateException(
          "dashboard not built at "
              + DEFAULT_DASHBOARD_DIST.toAbsolutePath().normalize()
              + ": "
              + build);
    }
    System.err.printf(
        "WARNING: dashboard not built at %s; deploying a PLACEHOLDER page. %s%n",
        DEFAULT_DASHBOARD_DIST.toAbsolutePath().normalize(), build);
    return Source.data(
        "index.html", "<!doctype html><title>A4C</title><p>The dashboard was not built.");
  }

  private static Path placeholder() {
    try {
      Path dir = Files.createTempDirectory("a4c-functions-placeholder");
      Files.writeString(
          dir.resolve("README.txt"),
          "Placeholder for functions/target/a4c-functions.jar, which was not built.\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the placeholder code directory", e);
    }
  }
}
