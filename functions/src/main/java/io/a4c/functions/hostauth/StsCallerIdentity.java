package io.a4c.functions.hostauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.CallerProof;
import io.a4c.functions.config.FunctionsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Learns who made a presigned STS {@code GetCallerIdentity} request ({@link
 * CallerProof#callerIdentity()}) by sending it to STS, as Vault's and EKS's IAM authentication do:
 * STS checks the signature and answers the signer's principal id ({@code <roleId>:<sessionName>}
 * for a role session). The request goes to this deployment's own STS endpoint whatever the proof
 * says (only its query string is taken, and only the parameters of a presigned GetCallerIdentity),
 * with the digest header of the request it must prove, which its signature covers. Thread-safe.
 */
@Singleton
public final class StsCallerIdentity {
  private static final Set<String> PARAMETERS =
      Set.of(
          "Action",
          "Version",
          "X-Amz-Algorithm",
          "X-Amz-Credential",
          "X-Amz-Date",
          "X-Amz-Expires",
          "X-Amz-SignedHeaders",
          "X-Amz-Signature",
          "X-Amz-Security-Token");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SdkHttpClient http;
  private final URI endpoint;

  @Inject
  public StsCallerIdentity(SdkHttpClient http, FunctionsConfig config) {
    this.http = http;
    this.endpoint = config.security().stsEndpoint();
  }

  /** What STS said of a proof: the caller's principal id, or why the proof proves nothing. */
  public record Answer(String principalId, String refusal) {
    static Answer refused(String why) {
      return new Answer(null, why);
    }
  }

  /**
   * Sends the presigned request {@code query} to STS with {@code digest} in its digest header.
   *
   * @throws UncheckedIOException when STS cannot be reached or fails (5xx): the claim fails and the
   *     builder asks again later, as for any other failure of the function
   */
  public Answer identify(String query, String digest) {
    Map<String, String> parameters = new HashMap<>();
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      if (!PARAMETERS.contains(name) || parameters.containsKey(name)) {
        return Answer.refused("the presigned request has a parameter " + name + " it may not have");
      }
      parameters.put(
          name,
          equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    if (!"GetCallerIdentity".equals(parameters.get("Action"))) {
      return Answer.refused("the presigned request is not a GetCallerIdentity");
    }
    if (!"AWS4-HMAC-SHA256".equals(parameters.get("X-Amz-Algorithm"))
        || parameters.get("X-Amz-Signature") == null) {
      return Answer.refused("the request is not presigned with SigV4");
    }
    if (!expiresInTime(parameters.get("X-Amz-Expires"))) {
      return Answer.refused(
          "the presigned request may live at most " + CallerProof.MAX_EXPIRES_SECONDS + " s");
    }
    List<String> signed = List.of(parameters.getOrDefault("X-Amz-SignedHeaders", "").split(";"));
    if (!signed.contains(CallerProof.DIGEST_HEADER)) {
      return Answer.refused("the presigned request does not sign " + CallerProof.DIGEST_HEADER);
    }
    var request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create(endpoint.toString().replaceAll("/+$", "") + "/?" + query))
            .putHeader(CallerProof.DIGEST_HEADER, digest)
            .putHeader("Accept", "application/json")
            .build();
    try {
      var response =
          http.prepareRequest(HttpExecuteRequest.builder().request(request).build()).call();
      int status = response.httpResponse().statusCode();
      JsonNode body = read(response.responseBody().orElse(null));
      if (status >= 500) {
        throw new UncheckedIOException(new IOException("STS answered " + status));
      }
      if (status != 200) {
        return Answer.refused(
            "STS did not accept the proof (HTTP "
                + status
                + " "
                + body.path("Error").path("Code").asText(body.path("__type").asText(""))
                + ")");
      }
      String principal =
          body.path("GetCallerIdentityResponse")
              .path("GetCallerIdentityResult")
              .path("UserId")
              .asText("");
      return principal.isEmpty()
          ? Answer.refused("STS's answer names no caller")
          : new Answer(principal, null);
    } catch (IOException e) {
      throw new UncheckedIOException("STS could not be asked who signed the claim", e);
    }
  }

  private static boolean expiresInTime(String expires) {
    try {
      int seconds = Integer.parseInt(expires);
      return seconds > 0 && seconds <= CallerProof.MAX_EXPIRES_SECONDS;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static JsonNode read(InputStream body) throws IOException {
    if (body == null) {
      return JSON.missingNode();
    }
    try (body) {
      byte[] bytes = body.readAllBytes();
      try {
        JsonNode tree = JSON.readTree(bytes);
        return tree == null ? JSON.missingNode() : tree;
      } catch (IOException e) {
        return JSON.missingNode(); // an error page, XML: nothing to read a caller from
      }
    }
  }
}
