package io.a4c.functions.workspaces;

import static io.a4c.functions.http.ApiRoutes.PROJECTS;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE;
import static io.a4c.functions.http.ApiRoutes.WORKSPACES;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE_REBUILD;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE_START;
import static io.a4c.functions.http.ApiRoutes.WORKSPACE_STOP;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.events.Names;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiRequest;
import io.a4c.functions.http.ApiResponses;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.http.Validation;
import io.a4c.functions.projects.ProjectCatalog;
import java.util.Map;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The workspace routes under {@code /v1/users/{userId}/workspaces}: create, list, get, delete,
 * stop, start, rebuild; and {@code GET /v1/projects}, what any signed-in user may create a
 * workspace of. Thin: parse, check, call.
 */
@Singleton
public final class WorkspacesApi implements ApiHandler {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 100;

  private final WorkspaceCreation creation;
  private final WorkspaceReads reads;
  private final WorkspaceDeletion deletion;
  private final WorkspaceLifecycle lifecycle;
  private final ProjectCatalog catalog;
  private final ApiResponses responses;
  private final String adminClaim;

  @Inject
  public WorkspacesApi(
      WorkspaceCreation creation,
      WorkspaceReads reads,
      WorkspaceDeletion deletion,
      WorkspaceLifecycle lifecycle,
      ProjectCatalog catalog,
      ApiResponses responses,
      FunctionsConfig config) {
    this.lifecycle = lifecycle;
    this.catalog = catalog;
    this.creation = creation;
    this.reads = reads;
    this.deletion = deletion;
    this.responses = responses;
    this.adminClaim = config.adminClaim();
  }

  @Override
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    return responses.run(ApiRequest.from(event), this::route);
  }

  private APIGatewayV2HTTPResponse route(ApiRequest request) {
    var caller = request.caller(adminClaim);
    if (request.routeKey().equals("GET " + PROJECTS)) {
      // Any signed-in user: the listing holds nothing an admin alone may read.
      return responses.json(200, Map.of("items", catalog.list()));
    }
    String rawUserId = request.pathParameters().get("userId");
    caller.requireAccessTo(rawUserId);
    if (request.routeKey().equals("POST " + WORKSPACES) && caller.admin()) {
      // An admin may create in anyone's name: a malformed name is then a bad request, not a miss.
      io.a4c.functions.http.Validation.require(
          "userId", rawUserId, Names.USER_ID, "letters, digits and . _ @ - (up to 128)");
    }
    String userId = request.pathParameter("userId", Names.USER_ID, "a user id");
    var origin = Origin.of(caller, request);
    return switch (request.routeKey()) {
      case "POST " + WORKSPACES -> {
        var body = responses.read(request, CreateWorkspaceRequest.class);
        // The token's email is the owner's only when the caller is the owner.
        String email = caller.subject().equals(userId) ? request.claims().get("email") : null;
        var created = creation.create(origin, userId, email, body, idempotencyKey(request));
        yield responses.json(
            202, created, Map.of("location", request.path() + "/" + created.workspaceId()));
      }
      case "GET " + WORKSPACES ->
          responses.json(
              200,
              reads.list(
                  userId,
                  Validation.limit(request.query().get("limit"), DEFAULT_LIMIT, MAX_LIMIT),
                  request.query().get("nextToken")));
      case "GET " + WORKSPACE -> responses.json(200, reads.get(userId, workspaceId(request)));
      case "DELETE " + WORKSPACE -> {
        if (force(request)) {
          caller.requireAdmin();
          deletion.forceDelete(origin, userId, workspaceId(request));
          yield responses.json(
              200, Map.of("workspaceId", workspaceId(request), "state", "DELETED"));
        }
        yield responses.json(202, deletion.delete(origin, userId, workspaceId(request)));
      }
      case "POST " + WORKSPACE_STOP ->
          responses.json(202, lifecycle.stop(origin, userId, workspaceId(request)));
      case "POST " + WORKSPACE_START ->
          responses.json(202, lifecycle.start(origin, userId, workspaceId(request)));
      case "POST " + WORKSPACE_REBUILD -> {
        var body =
            request.body().length == 0
                ? RebuildWorkspaceRequest.NEWEST
                : responses.read(request, RebuildWorkspaceRequest.class);
        yield responses.json(
            202, lifecycle.rebuild(origin, userId, workspaceId(request), body.change()));
      }
      default -> throw new ProblemException(ProblemType.NOT_FOUND, "no such route");
    };
  }

  private static String idempotencyKey(ApiRequest request) {
    String key = request.header("idempotency-key");
    if (key != null && !IdempotencyRecord.HEADER.matcher(key).matches()) {
      throw new InvalidRequestException(
          "Idempotency-Key",
          "Idempotency-Key must be 1 to 128 letters, digits and . _ : - (a UUID is a good key)");
    }
    return key;
  }

  private static boolean force(ApiRequest request) {
    String force = request.query().get("force");
    if (force == null || force.equals("false")) {
      return false;
    }
    if (force.equals("true")) {
      return true;
    }
    throw new InvalidRequestException("force", "force must be true or false");
  }

  private static String workspaceId(ApiRequest request) {
    return request.pathParameter("workspaceId", Names.WORKSPACE_ID, "a workspace id");
  }
}
