package io.a4c.functions.workspaces;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.priming.PrimingEvents;

/** Lambda entry point of the workspace routes. */
public final class WorkspacesApiFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final ApiHandler api;

  public WorkspacesApiFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private WorkspacesApiFunction(FunctionsComponent graph) {
    this(graph.workspacesApi());
    graph.priming().register(this, PrimingEvents::workspacesApi);
  }

  WorkspacesApiFunction(ApiHandler api) {
    this.api = api;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return api.handle(event);
  }
}
