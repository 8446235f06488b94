package io.a4c.functions.config;

import java.util.regex.Pattern;

/** Where a user's emails go (build endings, workspace expiry warnings). */
public final class EmailRecipients {
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\\.[A-Za-z]{2,63}");

  private EmailRecipients() {}

  /**
   * The token's email claim; else the user id when it is an address; else {@code <userId>@<domain>}
   * when a domain is configured; else null (no email).
   *
   * @param emailClaim the caller's {@code email} claim when the caller is the user, else null
   * @param domain {@code A4C_USER_EMAIL_DOMAIN}, or null
   */
  public static String of(String userId, String emailClaim, String domain) {
    if (emailClaim != null && EMAIL.matcher(emailClaim).matches()) {
      return emailClaim;
    }
    if (EMAIL.matcher(userId).matches()) {
      return userId;
    }
    return domain == null ? null : userId + "@" + domain;
  }
}
