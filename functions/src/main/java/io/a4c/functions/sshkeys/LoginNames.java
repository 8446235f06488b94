package io.a4c.functions.sshkeys;

import io.a4c.events.WorkspaceLogin;
import java.util.Locale;
import java.util.Set;

/**
 * Derives a user's login name inside their workspaces from their user id, deterministically: the
 * part before the {@code @} of an email-like id, lower-cased, every character a login may not hold
 * made {@code _} ({@code alice.smith+x@example.com} is {@code alice_smith_x}), cut to 32. A name
 * that would start with a digit or {@code -}, or that an image's own accounts or groups use ({@code
 * root}, {@code daemon}, {@code sshd}, {@code a4c}, ...), gets the prefix {@code u_}.
 *
 * <p>Two user ids can derive the same name ({@code alice@a.com}, {@code alice@b.com}). That is
 * fine: a workspace holds one user's login, and the uid, which is what files are owned by, is each
 * user's own.
 */
public final class LoginNames {
  /** Longest login name; useradd's rule ({@link WorkspaceLogin#NAME}). */
  static final int MAX_LENGTH = 32;

  private static final String PREFIX = "u_";

  /**
   * Accounts and groups of Debian, Ubuntu, RHEL and Alpine base images, and A4C's own group: a
   * user's login must never become one of them.
   */
  static final Set<String> SYSTEM_NAMES =
      Set.of(
          "root",
          "daemon",
          "bin",
          "sys",
          "sync",
          "games",
          "man",
          "lp",
          "mail",
          "news",
          "uucp",
          "proxy",
          "www-data",
          "backup",
          "list",
          "irc",
          "gnats",
          "nobody",
          "nogroup",
          "_apt",
          "systemd-network",
          "systemd-resolve",
          "systemd-timesync",
          "messagebus",
          "sshd",
          "adm",
          "wheel",
          "operator",
          "halt",
          "shutdown",
          "ftp",
          "users",
          "staff",
          "sudo",
          "admin",
          "ubuntu",
          "debian",
          "ec2-user",
          "tty",
          "disk",
          "kmem",
          "dialout",
          "audio",
          "video",
          "utmp",
          "shadow",
          "input",
          "render",
          "kvm",
          "docker",
          "src",
          "tss",
          "polkitd",
          WorkspaceLogin.GROUP_NAME);

  private LoginNames() {}

  /** The login name of {@code userId}; always matches {@link WorkspaceLogin#NAME}. */
  public static String derive(String userId) {
    String base = userId;
    int at = base.lastIndexOf('@');
    if (at > 0) {
      base = base.substring(0, at);
    }
    var name = new StringBuilder(base.length());
    for (char c : base.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      char kept = allowed ? c : '_';
      // One underscore for a run of replaced characters: "a..b" is "a_b", not "a__b".
      if (kept == '_' && !name.isEmpty() && name.charAt(name.length() - 1) == '_') {
        continue;
      }
      name.append(kept);
    }
    String login = trimUnderscores(name.toString());
    if (login.isEmpty()) {
      login = "user";
    }
    if (login.length() > MAX_LENGTH) {
      login = trimUnderscores(login.substring(0, MAX_LENGTH));
    }
    if (!Character.isLetter(login.charAt(0)) || reserved(login)) {
      login = PREFIX + login;
      if (login.length() > MAX_LENGTH) {
        login = login.substring(0, MAX_LENGTH);
      }
    }
    return login;
  }

  private static boolean reserved(String login) {
    return SYSTEM_NAMES.contains(login) || login.startsWith("systemd-");
  }

  private static String trimUnderscores(String name) {
    int start = 0;
    int end = name.length();
    while (start < end && name.charAt(start) == '_') {
      start++;
    }
    while (end > start && name.charAt(end - 1) == '_') {
      end--;
    }
    return name.substring(start, end);
  }
}
