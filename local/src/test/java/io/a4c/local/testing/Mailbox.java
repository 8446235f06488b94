package io.a4c.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** What the local SES endpoint received ({@code GET /store}): the emails A4C sent. */
public final class Mailbox {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;

  public Mailbox(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** One email as SES received it. */
  public record Email(String from, List<String> to, String subject, String text) {}

  /** Every email sent to {@code address}, oldest first. */
  public List<Email> to(String address) {
    List<Email> found = new ArrayList<>();
    for (JsonNode email : store().path("emails")) {
      List<String> to = new ArrayList<>();
      email.path("destination").path("to").forEach(n -> to.add(n.asText()));
      if (to.contains(address)) {
        found.add(
            new Email(
                email.path("from").asText(),
                to,
                email.path("subject").asText(),
                email.path("body").path("text").asText()));
      }
    }
    return found;
  }

  private JsonNode store() {
    try {
      var response =
          HTTP.send(
              HttpRequest.newBuilder(endpoint.resolve("/store")).build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("the local SES endpoint cannot be read", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
