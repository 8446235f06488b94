package io.a4c.functions.config;

import java.util.Arrays;
import java.util.Base64;

/**
 * Key material read from configuration. Its {@code toString} never shows the bytes, so a logged or
 * printed configuration holds no secret.
 */
public final class SecretKey {
  /** The shortest key accepted: HMAC-SHA256 wants at least its output size. */
  public static final int MIN_BYTES = 32;

  private final byte[] bytes;

  private SecretKey(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  /**
   * Decodes a base64 (or base64url) key.
   *
   * @throws IllegalArgumentException when it is not base64 or shorter than {@link #MIN_BYTES}
   */
  public static SecretKey ofBase64(String value) {
    byte[] decoded;
    try {
      String trimmed = value.trim();
      decoded =
          trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(trimmed)
              : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64", e);
    }
    if (decoded.length < MIN_BYTES) {
      throw new IllegalArgumentException("shorter than " + MIN_BYTES + " bytes");
    }
    return new SecretKey(decoded);
  }

  /** A copy of the key bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SecretKey key && java.security.MessageDigest.isEqual(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SecretKey[redacted]";
  }
}
