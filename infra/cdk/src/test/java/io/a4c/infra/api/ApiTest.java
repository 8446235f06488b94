package io.a4c.infra.api;

import static io.a4c.infra.TemplateJson.logicalId;
import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.functions.http.ApiRoutes;
import io.a4c.infra.A4cStack;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class ApiTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void servesExactlyTheRoutesOfTheContract() {
    List<Object> routeKeys =
        resources(template, "AWS::ApiGatewayV2::Route").values().stream()
            .map(route -> properties(route).get("RouteKey"))
            .toList();
    assertThat(routeKeys)
        .containsExactlyInAnyOrder(
            "POST /v1/users/{userId}/workspaces",
            "GET /v1/users/{userId}/workspaces",
            "GET /v1/ssh/known-hosts",
            "GET /v1/users/{userId}/workspaces/{workspaceId}",
            "DELETE /v1/users/{userId}/workspaces/{workspaceId}",
            "GET /v1/projects",
            "PUT /v1/projects/{projectName}",
            "GET /v1/projects/{projectName}",
            "POST /v1/projects/{projectName}/images",
            "GET /v1/projects/{projectName}/images",
            "GET /v1/hosts",
            "PUT /v1/hosts/{hostId}/status",
            "GET /v1/audit",
            "POST /v1/users/{userId}/image-schedules",
            "GET /v1/users/{userId}/image-schedules",
            "GET /v1/users/{userId}/image-schedules/{scheduleId}",
            "DELETE /v1/users/{userId}/image-schedules/{scheduleId}",
            "GET /v1/users/{userId}/image-schedules/{scheduleId}/log",
            "GET /v1/recurring-builds",
            "PUT /v1/recurring-builds",
            "GET /v1/builds/queue",
            "GET /v1/users/{userId}/ssh-keys",
            "PUT /v1/users/{userId}/ssh-keys/{keyName}",
            "DELETE /v1/users/{userId}/ssh-keys/{keyName}",
            "POST /v1/users/{userId}/workspaces/{workspaceId}/stop",
            "POST /v1/users/{userId}/workspaces/{workspaceId}/start",
            "POST /v1/users/{userId}/workspaces/{workspaceId}/rebuild");
    assertThat(routeKeys)
        .containsExactlyInAnyOrderElementsOf(
            ApiRoutes.ALL.stream().map(ApiRoutes.Route::key).toList());
  }

  @Test
  void everyRouteReachesTheFunctionTheContractNames() {
    var functions = stack.functions();
    Map<ApiRoutes.Function, String> aliases =
        Map.of(
            ApiRoutes.Function.WORKSPACES, logicalId(functions.workspacesApi()),
            ApiRoutes.Function.ADMIN, logicalId(functions.adminApi()),
            ApiRoutes.Function.IMAGE_SCHEDULES, logicalId(functions.imageSchedulesApi()),
            ApiRoutes.Function.SSH_KEYS, logicalId(functions.sshKeysApi()));
    var integrations = resources(template, "AWS::ApiGatewayV2::Integration");
    var routes = resources(template, "AWS::ApiGatewayV2::Route").values();
    for (ApiRoutes.Route route : ApiRoutes.ALL) {
      Map<String, Object> properties =
          routes.stream()
              .map(r -> properties(r))
              .filter(p -> route.key().equals(p.get("RouteKey")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no route " + route.key()));
      // Target: "integrations/<integration logical id>", joined in the template.
      String integration =
          integrations.keySet().stream()
              .filter(id -> properties.get("Target").toString().contains(id))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no integration for " + route.key()));
      assertThat(properties(integrations.get(integration)).get("IntegrationUri"))
          .as(route.key())
          .isEqualTo(Map.of("Ref", aliases.get(route.function())));
    }
  }

  @Test
  void everyRouteRequiresATokenFromTheConfiguredIssuerAndAudience() {
    template.hasResourceProperties(
        "AWS::ApiGatewayV2::Authorizer",
        Map.of(
            "AuthorizerType", "JWT",
            "IdentitySource", List.of("$request.header.Authorization"),
            "JwtConfiguration",
                Map.of("Issuer", TestStacks.ISSUER, "Audience", TestStacks.AUDIENCE)));
    String authorizer =
        resources(template, "AWS::ApiGatewayV2::Authorizer").keySet().iterator().next();
    template.allResourcesProperties(
        "AWS::ApiGatewayV2::Route",
        Map.of("AuthorizationType", "JWT", "AuthorizerId", Map.of("Ref", authorizer)));
  }

  @Test
  void theStageIsThrottledAndPublishesRouteMetrics() {
    template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
    template.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Map.of(
            "StageName",
            "$default",
            "AutoDeploy",
            true,
            "DefaultRouteSettings",
            Map.of(
                "ThrottlingRateLimit", 200,
                "ThrottlingBurstLimit", 400,
                "DetailedMetricsEnabled", true)));
  }

  @Test
  void theStageWritesAccessLogsWithoutTokens() {
    Map<String, Object> stage =
        properties(resources(template, "AWS::ApiGatewayV2::Stage").values().iterator().next());
    @SuppressWarnings("unchecked")
    String format = (String) ((Map<String, Object>) stage.get("AccessLogSettings")).get("Format");
    assertThat(format).contains("$context.requestId", "$context.routeKey", "$context.status");
    assertThat(format).doesNotContain("authorizer.claims", "Authorization");
  }

  @Test
  void routesInvokeTheLiveAliasesNeverLatest() {
    var functions = stack.functions();
    List<Object> targets =
        resources(template, "AWS::ApiGatewayV2::Integration").values().stream()
            .map(integration -> properties(integration).get("IntegrationUri"))
            .toList();
    assertThat(targets)
        .containsExactlyInAnyOrder(
            Map.of("Ref", logicalId(functions.workspacesApi())),
            Map.of("Ref", logicalId(functions.adminApi())),
            Map.of("Ref", logicalId(functions.imageSchedulesApi())),
            Map.of("Ref", logicalId(functions.sshKeysApi())));
    template.allResourcesProperties(
        "AWS::ApiGatewayV2::Integration",
        Map.of("IntegrationType", "AWS_PROXY", "PayloadFormatVersion", "2.0"));
  }
}
