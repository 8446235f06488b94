package io.a4c.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an API Gateway HTTP API (v2) event a handler uses: route, path and query parameters,
 * body and caller. Built once per request; services never see the event itself.
 *
 * @param sourceIp the client address API Gateway saw (for the audit trail), or null
 */
public record ApiRequest(
    String routeKey,
    String path,
    Map<String, String> pathParameters,
    Map<String, String> query,
    Map<String, String> headers,
    byte[] body,
    Map<String, String> claims,
    String requestId,
    String sourceIp) {

  /**
   * The {@code {userId}} that means the caller: every user route accepts it, so clients never need
   * to know their own (often opaque) token {@code sub}. Resolved here, before any access check.
   */
  public static final String ME = "me";

  /** Largest body accepted; a larger one is a 413. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  public ApiRequest {
    pathParameters = Objects.requireNonNullElse(pathParameters, Map.of());
    query = Objects.requireNonNullElse(query, Map.of());
    headers = Objects.requireNonNullElse(headers, Map.of());
    claims = Objects.requireNonNullElse(claims, Map.of());
    body = Objects.requireNonNullElse(body, new byte[0]);
    String subject = claims.get("sub");
    if (ME.equals(pathParameters.get("userId")) && subject != null) {
      var resolved = new java.util.HashMap<>(pathParameters);
      resolved.put("userId", subject);
      pathParameters = Map.copyOf(resolved);
    }
  }

  /** Reads an API Gateway v2 event. */
  public static ApiRequest from(APIGatewayV2HTTPEvent event) {
    var context = event.getRequestContext();
    Map<String, String> claims = null;
    String requestId = null;
    String sourceIp = null;
    if (context != null) {
      requestId = context.getRequestId();
      sourceIp = context.getHttp() == null ? null : context.getHttp().getSourceIp();
      if (context.getAuthorizer() != null && context.getAuthorizer().getJwt() != null) {
        claims = context.getAuthorizer().getJwt().getClaims();
      }
    }
    byte[] body = null;
    if (event.getBody() != null) {
      body =
          event.getIsBase64Encoded()
              ? Base64.getDecoder().decode(event.getBody())
              : event.getBody().getBytes(StandardCharsets.UTF_8);
    }
    return new ApiRequest(
        event.getRouteKey(),
        event.getRawPath(),
        event.getPathParameters(),
        event.getQueryStringParameters(),
        event.getHeaders(),
        body,
        claims,
        requestId,
        sourceIp);
  }

  /** The caller, from the verified claims; 401 when there are none. */
  public Caller caller(String adminClaim) {
    String subject = claims.get("sub");
    if (subject == null) {
      throw new ProblemException(ProblemType.UNAUTHORIZED, "a bearer token is required");
    }
    return new Caller(subject, "true".equalsIgnoreCase(claims.get(adminClaim)));
  }

  /** A path parameter checked against its rule. */
  public String pathParameter(String name, java.util.regex.Pattern pattern, String rule) {
    String value = pathParameters.get(name);
    if (value == null || !pattern.matcher(value).matches()) {
      // A malformed id can name nothing that exists.
      throw new ProblemException(ProblemType.NOT_FOUND, "no such " + name, name, null);
    }
    return value;
  }

  /** A header, by case-insensitive name (API Gateway v2 lower-cases them already). */
  public String header(String name) {
    for (var entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }
}
