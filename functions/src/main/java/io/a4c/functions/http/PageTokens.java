package io.a4c.functions.http;

import io.a4c.functions.config.FunctionsConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Opaque, tamper-evident list tokens: a position sealed with an HMAC over the position and the
 * list's scope (e.g. {@code workspaces/alice}). A token is only ever good for the scope it was
 * issued for, so one crafted or copied to start in another user's list, or edited in any byte, is a
 * 400 naming {@code nextToken}. The key comes from configuration ({@code A4C_PAGE_TOKEN_KEY});
 * rotating it makes tokens in flight a 400, and the client starts its listing over. Thread-safe.
 */
@Singleton
public final class PageTokens {
  private static final String VERSION = "v2";
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

  /** Longest token accepted; anything longer is refused before any work. */
  static final int MAX_LENGTH = 512;

  private final SecretKeySpec key;

  @Inject
  public PageTokens(FunctionsConfig config) {
    this.key = new SecretKeySpec(config.security().pageTokenKey().bytes(), "HmacSHA256");
  }

  /**
   * The token for continuing {@code scope} after {@code position}; null when there is no next page.
   */
  public String seal(String scope, String position) {
    if (position == null) {
      return null;
    }
    byte[] plain = position.getBytes(StandardCharsets.UTF_8);
    return ENCODE.encodeToString(plain) + "." + ENCODE.encodeToString(mac(scope, plain));
  }

  /**
   * The position a token of {@code scope} names; null for no token.
   *
   * @throws InvalidRequestException naming {@code nextToken} when the token was not issued by this
   *     API for this scope, or names a position that breaks {@code rule}
   */
  public String open(String scope, String token, Pattern rule) {
    if (token == null) {
      return null;
    }
    if (token.length() <= MAX_LENGTH) {
      int dot = token.indexOf('.');
      try {
        if (dot > 0) {
          byte[] plain = DECODE.decode(token.substring(0, dot));
          byte[] mac = DECODE.decode(token.substring(dot + 1));
          // Only the canonical encoding counts: base64's spare low bits must not make a second
          // spelling of the same token.
          boolean canonical =
              (ENCODE.encodeToString(plain) + "." + ENCODE.encodeToString(mac)).equals(token);
          if (canonical && MessageDigest.isEqual(mac, mac(scope, plain))) {
            String position = new String(plain, StandardCharsets.UTF_8);
            if (rule.matcher(position).matches()) {
              return position;
            }
          }
        }
      } catch (IllegalArgumentException e) {
        // not base64: reported below
      }
    }
    throw new InvalidRequestException(
        "nextToken", "nextToken is not a token this API issued for this list");
  }

  private byte[] mac(String scope, byte[] position) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((VERSION + "\n" + scope + "\n").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(position);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }
}
