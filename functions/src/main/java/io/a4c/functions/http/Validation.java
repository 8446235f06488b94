package io.a4c.functions.http;

import java.util.List;
import java.util.regex.Pattern;

/** Field checks for request bodies and paths; each failure names the field and its rule. */
public final class Validation {
  /**
   * A whole number as a query parameter writes it: ASCII digits only. {@link Integer#parseInt}
   * alone would also take a sign ({@code +5}) and other scripts' digits ({@code \u0665}).
   */
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private Validation() {}

  /**
   * Returns {@code value} when present and matching; otherwise a 400 naming the field. A missing
   * member (null) is "required"; an empty string was sent, so the caller hears the rule instead.
   */
  public static String require(String field, String value, Pattern pattern, String rule) {
    if (value == null) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (value.isEmpty()) {
      throw new InvalidRequestException(field, field + " is empty; it must be " + rule);
    }
    if (!pattern.matcher(value).matches()) {
      throw new InvalidRequestException(field, field + " must be " + rule);
    }
    return value;
  }

  /** Like {@link #require} but null is allowed. */
  public static String optional(String field, String value, Pattern pattern, String rule) {
    return value == null ? null : require(field, value, pattern, rule);
  }

  /** Checks every element of a list (null becomes empty), with a size limit. */
  public static List<String> requireAll(
      String field, List<String> values, Pattern pattern, String rule, int maxSize) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > maxSize) {
      throw new InvalidRequestException(field, field + " may hold at most " + maxSize + " entries");
    }
    for (int i = 0; i < values.size(); i++) {
      require(field + "[" + i + "]", values.get(i), pattern, rule);
    }
    return List.copyOf(values);
  }

  /**
   * A page size from the {@code limit} query parameter: {@code fallback} when absent, else 1 to
   * {@code max} in ASCII digits.
   */
  public static int limit(String raw, int fallback, int max) {
    if (raw == null) {
      return fallback;
    }
    long limit = wholeNumber(raw);
    if (limit >= 1 && limit <= max) {
      return (int) limit;
    }
    throw new InvalidRequestException(
        "limit", "limit must be a whole number from 1 to " + max + " in the digits 0-9");
  }

  /**
   * {@code raw} read as a whole number written in the ASCII digits 0-9 and nothing else (no sign,
   * no spaces, no other scripts' digits); -1 when it is not one or does not fit a long. For query
   * parameters: the caller refuses -1 with its own rule.
   */
  public static long wholeNumber(String raw) {
    if (raw == null || !DIGITS.matcher(raw).matches()) {
      return -1;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return -1; // more digits than a long holds
    }
  }
}
