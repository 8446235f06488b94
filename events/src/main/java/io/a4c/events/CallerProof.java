package io.a4c.events;

/**
 * Proof that a request to a function (a {@link BuildClaim}) comes from the host it names, where the
 * invocation itself carries no caller identity (a Lambda invoke does not). Exactly one of the two
 * is present, as the deployment checks senders (docs/security.md):
 *
 * @param signature the local runtime's: an HMAC-SHA256 of the request's {@code signedText()} with
 *     the host's own event key, base64 ({@link HostEventSignatures}), the key host events are
 *     signed with
 * @param callerIdentity AWS's: the query string of an STS {@code GetCallerIdentity} request the
 *     host presigned with its role session's credentials (SigV4 in the query), whose signed headers
 *     include {@link #DIGEST_HEADER} carrying {@link BuildClaim#digest()}. The function sends it to
 *     its own region's STS endpoint with that header and reads the caller's principal id ({@code
 *     <roleId>:<sessionName>}) from the answer: a proof made for one request does not verify for
 *     another, and no host can make one in another host's session
 */
public record CallerProof(String signature, String callerIdentity) {
  /** The signed header that binds a presigned STS request to the request it proves. */
  public static final String DIGEST_HEADER = "x-a4c-request-digest";

  /** Longest a presigned STS request may stay valid, in seconds (as STS itself allows 15 min). */
  public static final int MAX_EXPIRES_SECONDS = 900;

  public CallerProof {
    if ((signature == null) == (callerIdentity == null)) {
      throw new IllegalArgumentException(
          "a proof is a signature or a caller identity, one of them");
    }
    if (signature != null && (signature.isBlank() || signature.length() > 200)) {
      throw new IllegalArgumentException("signature must be 1 to 200 characters");
    }
    if (callerIdentity != null && (callerIdentity.isBlank() || callerIdentity.length() > 8192)) {
      throw new IllegalArgumentException("callerIdentity must be 1 to 8192 characters");
    }
  }

  /** The local runtime's proof: an HMAC of {@code signedText} with the host's key. */
  public static CallerProof signed(byte[] key, String signedText) {
    return new CallerProof(HostEventSignatures.sign(key, signedText), null);
  }

  /** AWS's proof: a presigned STS {@code GetCallerIdentity} query string. */
  public static CallerProof presigned(String query) {
    return new CallerProof(null, query);
  }
}
