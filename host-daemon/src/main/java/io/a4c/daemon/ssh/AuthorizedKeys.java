package io.a4c.daemon.ssh;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The authorized keys file A4C writes for the workspace's user: a header carrying the revision of
 * the user's key set, then one key per line. The revision lets a host skip a sync older than what
 * the container has, so keys never go back in time when commands cross.
 */
public final class AuthorizedKeys {
  private static final String HEADER = "# A4C keys revision ";
  private static final Pattern REVISION =
      Pattern.compile("^" + Pattern.quote(HEADER) + "([0-9]{1,18})$", Pattern.MULTILINE);

  private AuthorizedKeys() {}

  /** The file's text. The keys are checked lines already ({@code SshAccess.AUTHORIZED_KEY}). */
  public static String render(List<String> keys, long revision) {
    StringBuilder text = new StringBuilder(HEADER).append(revision).append('\n');
    keys.forEach(key -> text.append(key).append('\n'));
    return text.toString();
  }

  /** The revision a file says it holds; empty for a file A4C did not write. */
  public static OptionalLong revisionOf(String text) {
    var matcher = REVISION.matcher(text);
    return matcher.find()
        ? OptionalLong.of(Long.parseLong(matcher.group(1)))
        : OptionalLong.empty();
  }
}
