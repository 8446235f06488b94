package io.a4c.functions.workspaces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What an {@code Idempotency-Key} made: the workspace, and a hash of the request that made it, so a
 * retry with the same key and body gets the same workspace and a different body is refused.
 *
 * @param key {@code <userId>#<Idempotency-Key>}: keys are per user
 */
record IdempotencyRecord(String key, String requestHash, String workspaceId) {
  /** What a client may send as a key: letters, digits and {@code . _ : -}, up to 128. */
  static final Pattern HEADER = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  static String key(String userId, String idempotencyKey) {
    return userId + "#" + idempotencyKey;
  }

  static String hash(byte[] canonicalRequest) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  static String hash(String canonicalRequest) {
    return hash(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }
}
