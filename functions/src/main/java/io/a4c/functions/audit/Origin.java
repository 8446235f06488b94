package io.a4c.functions.audit;

/**
 * Who asked for an action and from where, as the audit trail records it: the token's subject and
 * role, the request id and the client address. Never the token itself.
 *
 * @param actor the token's {@code sub}, or {@code host:<hostId>} for a host
 * @param admin whether the actor held the admin claim
 * @param requestId API Gateway's request id (or the SQS message id for a host event), or null
 * @param sourceIp the client address, or null
 */
public record Origin(String actor, boolean admin, String requestId, String sourceIp) {
  /** The caller of an API request. */
  public static Origin of(
      io.a4c.functions.http.Caller caller, io.a4c.functions.http.ApiRequest request) {
    return new Origin(caller.subject(), caller.admin(), request.requestId(), request.sourceIp());
  }

  /** A host daemon, known by the message it sent. */
  public static Origin host(String hostId, String messageId) {
    return new Origin("host:" + hostId, false, messageId, null);
  }

  /** A4C itself, acting on a schedule ({@code sweeper}, say) rather than for a request. */
  public static Origin system(String part) {
    return new Origin("system:" + part, false, null, null);
  }
}
