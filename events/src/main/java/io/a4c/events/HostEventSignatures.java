package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Host-event signatures, for deployments where the queue cannot say who sent a message (the local
 * runtime's ElasticMQ): the daemon puts an HMAC-SHA256 of the message body, made with its own
 * host's key, in the message attribute {@link #ATTRIBUTE}; the consumer recomputes it with the key
 * of the host the event names. A host holding only its own key cannot speak for another host. In
 * AWS the queue's {@code SenderId} does this job instead (docs/security.md).
 */
public final class HostEventSignatures {
  /** The SQS message attribute that carries the signature (base64). */
  public static final String ATTRIBUTE = "a4c-host-signature";

  private HostEventSignatures() {}

  /** The signature of {@code body} with {@code key}, base64. */
  public static String sign(byte[] key, String body) {
    return Base64.getEncoder().encodeToString(mac(key, body));
  }

  /** Whether {@code signature} is {@code body}'s with {@code key}; constant-time. */
  public static boolean verify(byte[] key, String body, String signature) {
    if (signature == null || body == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(key, body));
  }

  private static byte[] mac(byte[] key, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }
}
