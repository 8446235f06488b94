package io.a4c.infra.api;

import io.a4c.infra.config.DeployContext;
import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.functions.LambdaFunctions;
import java.util.List;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The public HTTP API: every route behind one JWT authorizer, throttled at the stage, each route
 * integrated with its function's {@code live} alias (payload format 2.0).
 *
 * <p>Authorization beyond "a valid token from our issuer" is the functions' job: a user reaches
 * only paths with their own {@code sub}, and the admin routes check the admin claim.
 */
public final class Api extends Construct {
  /** The stage every route is served from; its URL is the API's root. */
  public static final String STAGE = "$default";

  /** The route whose latency the user asked to keep under 100 ms. */
  public static final String LIST_WORKSPACES_PATH = "/v1/users/{userId}/workspaces";

  private static final String WORKSPACE_PATH = LIST_WORKSPACES_PATH + "/{workspaceId}";
  private static final String PROJECT_PATH = "/v1/projects/{projectName}";
  private static final String SCHEDULES_PATH = "/v1/users/{userId}/image-schedules";
  private static final String SCHEDULE_PATH = SCHEDULES_PATH + "/{scheduleId}";
  private static final String SSH_KEYS_PATH = "/v1/users/{userId}/ssh-keys";

  /** One line of JSON per request; ids and timings only, never a token or a body. */
  private static final String ACCESS_LOG_FORMAT =
      "{\"requestId\":\"$context.requestId\",\"requestTime\":\"$context.requestTime\","
          + "\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\","
          + "\"responseLatency\":\"$context.responseLatency\","
          + "\"integrationLatency\":\"$context.integrationLatency\","
          + "\"integrationError\":\"$context.integrationErrorMessage\","
          + "\"authorizerError\":\"$context.authorizer.error\","
          + "\"sourceIp\":\"$context.identity.sourceIp\"}";

  private final HttpApi api;
  private final HttpStage stage;

  public Api(
      Construct scope,
      String id,
      EnvSettings settings,
      DeployContext context,
      LambdaFunctions functions) {
    super(scope, id);
    api =
        HttpApi.Builder.create(this, "HttpApi")
            .apiName("a4c-" + settings.name())
            .description("A4C workspaces, image schedules and admin API (" + settings.name() + ")")
            .defaultAuthorizer(
                HttpJwtAuthorizer.Builder.create("Jwt", context.jwtIssuer())
                    .jwtAudience(context.jwtAudience())
                    .build())
            // The stage is made below, with throttling, route metrics and access logs.
            .createDefaultStage(false)
            .build();

    LogGroup accessLogs =
        LogGroup.Builder.create(this, "AccessLogs")
            .retention(settings.logRetention())
            .removalPolicy(settings.removalPolicy())
            .build();
    stage =
        api.addStage(
            "Stage",
            HttpStageOptions.builder()
                .stageName(STAGE)
                .autoDeploy(true)
                .throttle(
                    ThrottleSettings.builder()
                        .rateLimit(settings.apiRateLimit())
                        .burstLimit(settings.apiBurstLimit())
                        .build())
                // Per-route metrics: the list route's latency alarm needs them.
                .detailedMetricsEnabled(true)
                .accessLogSettings(accessLogSettings(accessLogs))
                .build());

    // One integration per function, shared by its routes; each route still gets its own
    // invoke permission, scoped to that route's ARN.
    var workspaces = new HttpLambdaIntegration("Workspaces", functions.workspacesApi());
    var admin = new HttpLambdaIntegration("Admin", functions.adminApi());
    var schedules = new HttpLambdaIntegration("ImageSchedules", functions.imageSchedulesApi());
    var sshKeys = new HttpLambdaIntegration("SshKeys", functions.sshKeysApi());
    route(LIST_WORKSPACES_PATH, workspaces, HttpMethod.POST, HttpMethod.GET);
    route(WORKSPACE_PATH, workspaces, HttpMethod.GET, HttpMethod.DELETE);
    route(PROJECT_PATH, admin, HttpMethod.PUT, HttpMethod.GET);
    route(PROJECT_PATH + "/images", admin, HttpMethod.POST);
    route("/v1/hosts", admin, HttpMethod.GET);
    route("/v1/hosts/{hostId}/status", admin, HttpMethod.PUT);
    route("/v1/audit", admin, HttpMethod.GET);
    route(SCHEDULES_PATH, schedules, HttpMethod.POST, HttpMethod.GET);
    route(SCHEDULE_PATH, schedules, HttpMethod.GET, HttpMethod.DELETE);
    route(SCHEDULE_PATH + "/log", schedules, HttpMethod.GET);
    route("/v1/recurring-builds", schedules, HttpMethod.GET, HttpMethod.PUT);
    route(SSH_KEYS_PATH, sshKeys, HttpMethod.GET);
    route(SSH_KEYS_PATH + "/{keyName}", sshKeys, HttpMethod.PUT, HttpMethod.DELETE);
    route("/v1/ssh/known-hosts", sshKeys, HttpMethod.GET);
  }

  private static IAccessLogSettings accessLogSettings(LogGroup logs) {
    // A behavioural interface in jsii's Java binding: no builder, so an anonymous class.
    return new IAccessLogSettings() {
      @Override
      public IAccessLogDestination getDestination() {
        return new LogGroupLogDestination(logs);
      }

      @Override
      public AccessLogFormat getFormat() {
        return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
      }
    };
  }

  private void route(String path, HttpLambdaIntegration integration, HttpMethod... methods) {
    api.addRoutes(
        AddRoutesOptions.builder()
            .path(path)
            .methods(List.of(methods))
            .integration(integration)
            .build());
  }

  public HttpApi httpApi() {
    return api;
  }

  public HttpStage stage() {
    return stage;
  }

  /** The API's root URL, e.g. {@code https://abc123.execute-api.eu-west-1.amazonaws.com/}. */
  public String url() {
    return stage.getUrl();
  }
}
