package io.a4c.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * One API function's routes: takes an API Gateway v2 event, answers it. Never throws: every failure
 * is a problem response. The Lambda entry points and the local runtime both call this.
 */
public interface ApiHandler {
  APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event);
}
