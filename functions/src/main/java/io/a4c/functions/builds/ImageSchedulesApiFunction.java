package io.a4c.functions.builds;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.priming.PrimingEvents;

/** Lambda entry point of the image-schedule routes and the recurring-builds switch. */
public final class ImageSchedulesApiFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final ApiHandler api;

  public ImageSchedulesApiFunction() {
    this(FunctionsComponent.fromEnvironment(System.getenv()));
  }

  private ImageSchedulesApiFunction(FunctionsComponent graph) {
    this(graph.imageSchedulesApi());
    graph.priming().register(this, PrimingEvents::imageSchedulesApi);
  }

  ImageSchedulesApiFunction(ApiHandler api) {
    this.api = api;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return api.handle(event);
  }
}
