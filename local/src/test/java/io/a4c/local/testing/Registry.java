package io.a4c.local.testing;

import io.a4c.daemon.registry.ImageRepository;
import io.a4c.local.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the runtime's image registry over its HTTP API (Distribution's {@code /v2/}), with the
 * credentials the runtime's daemons send, or without any.
 */
public final class Registry {
  private final LocalRuntime runtime;
  private final HttpClient http = HttpClient.newHttpClient();

  public Registry(LocalRuntime runtime) {
    this.runtime = runtime;
  }

  /** The repository the runtime's builders push to. */
  public ImageRepository repository() {
    return runtime.config().builds().repository();
  }

  /** {@code GET /v2/<repository>/tags/list} with the runtime's credentials. */
  public HttpResponse<String> tags() throws IOException, InterruptedException {
    return send(tagsRequest(), true);
  }

  /** {@code GET /v2/<repository>/tags/list} without credentials. */
  public HttpResponse<String> tagsAnonymously() throws IOException, InterruptedException {
    return send(tagsRequest(), false);
  }

  private HttpRequest.Builder tagsRequest() {
    return HttpRequest.newBuilder(
        URI.create(
            "http://" + repository().registry() + "/v2/" + repository().path() + "/tags/list"));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, boolean authenticated)
      throws IOException, InterruptedException {
    if (authenticated) {
      runtime
          .registryCredentials()
          .ifPresent(
              c ->
                  request.header(
                      "Authorization",
                      "Basic "
                          + Base64.getEncoder()
                              .encodeToString(
                                  (c.username() + ":" + c.password())
                                      .getBytes(StandardCharsets.UTF_8))));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
