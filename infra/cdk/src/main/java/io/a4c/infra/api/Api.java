package io.a4c.infra.api;

import io.a4c.functions.http.ApiRoutes;
import io.a4c.infra.config.DeployContext;
import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.functions.LambdaFunctions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
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
 * The public HTTP API: every route of {@link ApiRoutes#ALL} (the table the local runtime routes by
 * and the OpenAPI document lists) behind one JWT authorizer, throttled at the stage, each route
 * integrated with its function's {@code live} alias (payload format 2.0), with CORS allowing the
 * dashboard's origin alone.
 *
 * <p>Authorization beyond "a valid token from our issuer" is the functions' job: a user reaches
 * only paths with their own {@code sub}, and the admin routes check the admin claim.
 */
public final class Api extends Construct {
  /** The stage every route is served from; its URL is the API's root. */
  public static final String STAGE = "$default";

  /** The route whose latency the user asked to keep under 100 ms. */
  public static final String LIST_WORKSPACES_PATH = ApiRoutes.WORKSPACES;

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
      LambdaFunctions functions,
      String dashboardOrigin) {
    super(scope, id);
    api =
        HttpApi.Builder.create(this, "HttpApi")
            .apiName("a4c-" + settings.name())
            .description("A4C workspaces, image schedules and admin API (" + settings.name() + ")")
            .defaultAuthorizer(
                HttpJwtAuthorizer.Builder.create("Jwt", context.jwtIssuer())
                    .jwtAudience(context.jwtAudience())
                    .build())
            // The dashboard's page calls the API from its CloudFront origin, and from no other:
            // API Gateway answers the preflight itself, before the authorizer.
            .corsPreflight(
                CorsPreflightOptions.builder()
                    .allowOrigins(List.of(dashboardOrigin))
                    .allowMethods(
                        List.of(
                            CorsHttpMethod.GET,
                            CorsHttpMethod.POST,
                            CorsHttpMethod.PUT,
                            CorsHttpMethod.DELETE))
                    .allowHeaders(List.of("authorization", "content-type", "idempotency-key"))
                    .exposeHeaders(List.of("location"))
                    .maxAge(Duration.hours(1))
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
    Map<ApiRoutes.Function, HttpLambdaIntegration> integrations =
        Map.of(
            ApiRoutes.Function.WORKSPACES,
            new HttpLambdaIntegration("Workspaces", functions.workspacesApi()),
            ApiRoutes.Function.ADMIN,
            new HttpLambdaIntegration("Admin", functions.adminApi()),
            ApiRoutes.Function.IMAGE_SCHEDULES,
            new HttpLambdaIntegration("ImageSchedules", functions.imageSchedulesApi()),
            ApiRoutes.Function.SSH_KEYS,
            new HttpLambdaIntegration("SshKeys", functions.sshKeysApi()));
    for (ApiRoutes.Route route : ApiRoutes.ALL) {
      route(route, integrations.get(route.function()));
    }
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

  /**
   * Adds one route. Its construct id is {@code <METHOD><path>}, as when several methods of a path
   * are added at once, so the routes' logical ids do not depend on how they are grouped.
   */
  private void route(ApiRoutes.Route route, HttpLambdaIntegration integration) {
    api.addRoutes(
        AddRoutesOptions.builder()
            .path(route.path())
            .methods(List.of(HttpMethod.valueOf(route.method())))
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
