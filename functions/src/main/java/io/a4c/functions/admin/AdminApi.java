package io.a4c.functions.admin;

import static io.a4c.functions.http.ApiRoutes.AUDIT;
import static io.a4c.functions.http.ApiRoutes.HOSTS;
import static io.a4c.functions.http.ApiRoutes.HOST_STATUS;
import static io.a4c.functions.http.ApiRoutes.PROJECT;
import static io.a4c.functions.http.ApiRoutes.PROJECT_IMAGES;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.events.Names;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.HostService;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiRequest;
import io.a4c.functions.http.ApiResponses;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.http.Validation;
import io.a4c.functions.projects.ProjectConfig;
import io.a4c.functions.projects.ProjectNotFoundException;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.projects.RegisterImageRequest;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The admin routes: projects, their images, hosts, the audit trail. Every route needs the admin
 * claim.
 */
@Singleton
public final class AdminApi implements ApiHandler {
  private final ProjectService projects;
  private final ProjectImages images;
  private final HostService hosts;
  private final AuditLog audit;
  private final ApiResponses responses;
  private final String adminClaim;

  @Inject
  public AdminApi(
      ProjectService projects,
      ProjectImages images,
      HostService hosts,
      AuditLog audit,
      ApiResponses responses,
      FunctionsConfig config) {
    this.projects = projects;
    this.images = images;
    this.hosts = hosts;
    this.audit = audit;
    this.responses = responses;
    this.adminClaim = config.adminClaim();
  }

  @Override
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    return responses.run(ApiRequest.from(event), this::route);
  }

  private APIGatewayV2HTTPResponse route(ApiRequest request) {
    var caller = request.caller(adminClaim);
    caller.requireAdmin();
    var origin = Origin.of(caller, request);
    return switch (request.routeKey()) {
      case "PUT " + PROJECT -> {
        String name = projectName(request);
        yield responses.json(
            200, projects.put(origin, name, responses.read(request, ProjectConfig.class)));
      }
      case "GET " + PROJECT -> responses.json(200, projects.get(projectName(request)));
      case "GET " + PROJECT_IMAGES ->
          responses.json(200, Map.of("items", images.of(projectName(request))));
      case "POST " + PROJECT_IMAGES ->
          responses.json(
              201,
              projects.registerImage(
                  origin,
                  projectName(request),
                  responses.read(request, RegisterImageRequest.class)));
      case "GET " + HOSTS -> responses.json(200, Map.of("items", hosts.list()));
      case "PUT " + HOST_STATUS -> {
        String hostId = request.pathParameter("hostId", Names.HOST_ID, "a host id");
        yield responses.json(
            200,
            hosts.setStatus(
                origin,
                hostId,
                responses.read(request, io.a4c.functions.hosts.HostStatusRequest.class)));
      }
      case "GET " + AUDIT -> {
        String userId =
            Validation.optional(
                "userId",
                request.query().get("userId"),
                Names.USER_ID,
                "letters, digits and . _ @ - (up to 128)");
        int limit = Validation.limit(request.query().get("limit"), 50, 100);
        yield responses.json(200, audit.page(userId, limit, request.query().get("nextToken")));
      }
      default -> throw new ProblemException(ProblemType.NOT_FOUND, "no such route");
    };
  }

  private static String projectName(ApiRequest request) {
    String name = request.pathParameters().get("projectName");
    if (name == null || !Names.PROJECT_NAME.matcher(name).matches()) {
      if ("PUT".equals(request.routeKey().split(" ")[0])) {
        throw new io.a4c.functions.http.InvalidRequestException(
            "projectName",
            "projectName must be a lowercase letter, then lowercase letters, digits and - (up to 63)");
      }
      throw new ProjectNotFoundException(String.valueOf(name));
    }
    return name;
  }
}
