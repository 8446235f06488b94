package io.a4c.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.priming.PrimingEvents;

/** Lambda entry point of the admin routes. */
public final class AdminApiFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final ApiHandler api;

  public AdminApiFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private AdminApiFunction(FunctionsComponent graph) {
    this(graph.adminApi());
    graph.priming().register(this, PrimingEvents::adminApi);
  }

  AdminApiFunction(ApiHandler api) {
    this.api = api;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return api.handle(event);
  }
}
