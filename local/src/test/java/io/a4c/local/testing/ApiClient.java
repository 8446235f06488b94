package io.a4c.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.local.LocalRuntime;
import io.a4c.local.contract.ApiExchange;
import io.a4c.local.contract.OpenApiContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP client of the local runtime's API for tests. Every exchange is checked against the
 * OpenAPI document, so each end-to-end test is also a contract test. Tokens are minted per user.
 */
public final class ApiClient {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Mints a development token for a subject, as an administrator or not. */
  @FunctionalInterface
  public interface TokenMinter {
    String mint(String subject, boolean admin);
  }

  private final TokenMinter minter;
  private final URI base;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  public ApiClient(LocalRuntime runtime) {
    this(runtime.baseUri(), runtime::mintToken);
  }

  private ApiClient(URI base, TokenMinter minter) {
    this.base = base;
    this.minter = minter;
  }

  /**
   * A client of a runtime in another process at {@code base}, its tokens minted by {@code POST
   * /local/tokens}.
   */
  public static ApiClient overHttp(URI base) {
    var client = new ApiClient[1];
    client[0] =
        new ApiClient(
            base,
            (subject, admin) -> {
              var reply =
                  client[0].send(
                      "POST",
                      "/local/tokens",
                      null,
                      "{\"sub\": \"" + subject + "\", \"admin\": " + admin + "}",
                      "application/json",
                      Map.of(),
                      false);
              if (reply.status() != 200) {
                throw new IllegalStateException("no token: " + reply.status() + " " + reply.body());
              }
              return reply.at("/token");
            });
    return client[0];
  }

  /** A response, its body parsed when it is JSON. */
  public record Reply(
      int status,
      String contentType,
      String body,
      JsonNode json,
      Map<String, java.util.List<String>> headers) {
    /** The body's text at a JSON pointer such as {@code /state}. */
    public String at(String pointer) {
      return json == null ? null : json.at(pointer).asText(null);
    }
  }

  /** The token of a user ({@code admin} claim false). */
  public String tokenOf(String user) {
    return tokens.computeIfAbsent(user + "|user", k -> minter.mint(user, false));
  }

  /** The token of an administrator. */
  public String adminToken() {
    return tokens.computeIfAbsent("a4c-admin|admin", k -> minter.mint("a4c-admin", true));
  }

  public Reply get(String path, String token) {
    return send("GET", path, token, null, "application/json");
  }

  public Reply delete(String path, String token) {
    return send("DELETE", path, token, null, "application/json");
  }

  public Reply post(String path, String token, String body) {
    return send("POST", path, token, body, "application/json");
  }

  public Reply put(String path, String token, String body) {
    return send("PUT", path, token, body, "application/json");
  }

  /** Any request; a null token sends no Authorization header. */
  public Reply send(String method, String path, String token, String body, String contentType) {
    return send(method, path, token, body, contentType, Map.of());
  }

  /** Any request with extra headers. */
  public Reply send(
      String method,
      String path,
      String token,
      String body,
      String contentType,
      Map<String, String> headers) {
    return send(method, path, token, body, contentType, headers, true);
  }

  /**
   * A request to a path the API does not have, to see how it is refused: the only exchange not
   * checked against the OpenAPI document (which, rightly, has no such path).
   */
  public Reply sendToUndocumentedPath(String method, String path, String token) {
    return send(method, path, token, null, null, Map.of(), false);
  }

  private Reply send(
      String method,
      String path,
      String token,
      String body,
      String contentType,
      Map<String, String> headers,
      boolean checkContract) {
    var request =
        HttpRequest.newBuilder(base.resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("authorization", "Bearer " + token);
    }
    if (body != null && contentType != null) {
      request.header("content-type", contentType);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String type = response.headers().firstValue("content-type").orElse(null);
      JsonNode json = null;
      if (type != null && type.contains("json") && !response.body().isEmpty()) {
        json = JSON.readTree(response.body());
      }
      URI uri = base.resolve(path);
      if (checkContract) {
        OpenApiContract.shared()
            .verify(
                new ApiExchange(
                    method,
                    uri.getRawPath(),
                    uri.getRawQuery(),
                    body,
                    response.statusCode(),
                    type,
                    response.body()));
      }
      return new Reply(
          response.statusCode(), type, response.body(), json, response.headers().map());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " interrupted", e);
    }
  }
}
