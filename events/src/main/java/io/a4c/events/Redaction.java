package io.a4c.events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the credentials a URL may carry ({@code https://user:token@host/...}) wherever a URL or
 * text that may quote one is logged, stored or returned: a project's git URL is a secret of its
 * admins, but build logs, failure reasons and daemon logs are read by others. The builder still
 * uses the URL as given; only what is shown is masked. Stateless and thread-safe.
 */
public final class Redaction {
  /** What stands in for a URL's user information. */
  public static final String MASK = "***";

  /**
   * A URL's scheme and user information in free text: the user information runs to the last
   * {@code @} before the path, a space or a quote, so a password holding an {@code @} is masked
   * whole.
   */
  private static final Pattern USER_INFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^\\s/?#'\"<>\\\\]*@");

  private Redaction() {}

  /** {@code url} with its user information, if any, replaced by {@link #MASK}; null stays null. */
  public static String url(String url) {
    return text(url);
  }

  /**
   * {@code text} with the user information of every URL in it replaced by {@link #MASK}; null stays
   * null.
   */
  public static String text(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return text;
    }
    return USER_INFO
        .matcher(text)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + MASK + "@");
  }

  /**
   * {@code text} masked as by {@link #text(String)}, and also wherever it quotes the user
   * information of {@code url} without its scheme (git's {@code unable to look up user:token@host}
   * does), as given or percent-decoded. A null {@code url} masks as {@link #text(String)} does.
   */
  public static String text(String text, String url) {
    String masked = text(text);
    String userInfo = userInfo(url);
    if (masked == null || userInfo == null) {
      return masked;
    }
    masked = masked.replace(userInfo + "@", MASK + "@");
    String decoded = decode(userInfo);
    return decoded.equals(userInfo) ? masked : masked.replace(decoded + "@", MASK + "@");
  }

  /** The user information of {@code url} (before its host's last {@code @}), or null. */
  private static String userInfo(String url) {
    if (url == null) {
      return null;
    }
    int start = url.indexOf("://");
    if (start < 0) {
      return null;
    }
    start += 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    int at = url.lastIndexOf('@', end - 1);
    return at < start + 1 ? null : url.substring(start, at);
  }

  private static String decode(String userInfo) {
    try {
      return URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return userInfo; // not valid percent-encoding: git shows it as given
    }
  }
}
