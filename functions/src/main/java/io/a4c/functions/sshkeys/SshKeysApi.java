package io.a4c.functions.sshkeys;

import static io.a4c.functions.http.ApiRoutes.SSH_KEY;
import static io.a4c.functions.http.ApiRoutes.SSH_KEYS;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.a4c.events.Names;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.http.ApiHandler;
import io.a4c.functions.http.ApiRequest;
import io.a4c.functions.http.ApiResponses;
import io.a4c.functions.http.ApiRoutes;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.http.Validation;
import io.a4c.functions.sshca.SshCertificateAuthority;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The SSH key routes under {@code /v1/users/{userId}/ssh-keys}: the user's own only — not even an
 * admin's (403), since a key logs in as the user; anyone else gets the same 404 as for a user with
 * nothing. And {@code GET /v1/ssh/known-hosts}, for any signed-in caller. Thin: parse, check, call.
 */
@Singleton
public final class SshKeysApi implements ApiHandler {
  private final SshKeyRegistration registration;
  private final SshKeyReads reads;
  private final SshKeyRemoval removal;
  private final ApiResponses responses;
  private final String adminClaim;
  private final SshCertificateAuthority ca;

  @Inject
  public SshKeysApi(
      SshKeyRegistration registration,
      SshKeyReads reads,
      SshKeyRemoval removal,
      ApiResponses responses,
      FunctionsConfig config,
      SshCertificateAuthority ca) {
    this.ca = ca;
    this.registration = registration;
    this.reads = reads;
    this.removal = removal;
    this.responses = responses;
    this.adminClaim = config.adminClaim();
  }

  @Override
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    return responses.run(ApiRequest.from(event), this::route);
  }

  private APIGatewayV2HTTPResponse route(ApiRequest request) {
    var caller = request.caller(adminClaim);
    if (request.routeKey().equals("GET " + ApiRoutes.KNOWN_HOSTS)) {
      return knownHosts();
    }
    // Owner-only, admins included: a key registered here logs in as the user.
    caller.requireSelf(
        request.pathParameters().get("userId"),
        "only a user manages their own SSH keys: a key opens every workspace of theirs");
    String userId = request.pathParameter("userId", Names.USER_ID, "a user id");
    var origin = Origin.of(caller, request);
    return switch (request.routeKey()) {
      case "GET " + SSH_KEYS -> responses.json(200, reads.list(userId));
      case "PUT " + SSH_KEY -> {
        // The caller names the key: a malformed name is their mistake to correct, not a miss.
        String keyName =
            Validation.require(
                "keyName",
                request.pathParameters().get("keyName"),
                SshKeyRegistration.KEY_NAME,
                "a letter or digit, then letters, digits and . _ - (up to 64)");
        var body = responses.read(request, PutSshKeyRequest.class);
        var registered = registration.put(origin, userId, keyName, body);
        yield responses.json(registered.created() ? 201 : 200, registered.key());
      }
      case "DELETE " + SSH_KEY -> {
        removal.delete(
            origin,
            userId,
            request.pathParameter("keyName", SshKeyRegistration.KEY_NAME, "a key name"));
        yield APIGatewayV2HTTPResponse.builder().withStatusCode(204).build();
      }
      default -> throw new ProblemException(ProblemType.NOT_FOUND, "no such route");
    };
  }

  /**
   * The line for {@code known_hosts} that trusts every workspace's host certificate, as plain text
   * (so {@code curl … >> ~/.ssh/known_hosts} works). Any signed-in caller: it holds no secret.
   */
  private APIGatewayV2HTTPResponse knownHosts() {
    if (!ca.enabled()) {
      throw new ProblemException(
          ProblemType.UNAVAILABLE,
          "no SSH certificate authority is configured here; workspaces are made without SSH");
    }
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(200)
        .withHeaders(
            java.util.Map.of(
                "content-type", "text/plain; charset=utf-8", "cache-control", "max-age=300"))
        .withBody(ca.knownHostsLine() + "\n")
        .build();
  }
}
