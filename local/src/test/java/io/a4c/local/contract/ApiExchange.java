package io.a4c.local.contract;

/**
 * One HTTP request and its response as a test client saw them, for checking against the OpenAPI
 * document.
 *
 * @param path the raw request path, without the query
 * @param query the raw query string, or null
 * @param requestBody the request body text, or null
 * @param responseContentType the response's content-type header, or null
 * @param responseBody the response body text, or empty
 */
public record ApiExchange(
    String method,
    String path,
    String query,
    String requestBody,
    int status,
    String responseContentType,
    String responseBody) {}
