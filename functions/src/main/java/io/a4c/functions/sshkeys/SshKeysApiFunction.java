package io.a4c.functions.sshkeys;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.priming.PrimingEvents;

/**
 * Lambda entry point of the SSH key routes: the one function that loads the SSH library (key
 * parsing), so no other function's cold start pays for it.
 */
public final class SshKeysApiFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final ApiHandler api;

  public SshKeysApiFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private SshKeysApiFunction(FunctionsComponent graph) {
    this(graph.sshKeysApi());
    graph.priming().register(this, PrimingEvents::sshKeysApi);
  }

  SshKeysApiFunction(ApiHandler api) {
    this.api = api;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return api.handle(event);
  }
}
