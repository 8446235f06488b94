package io.a4c.daemon.ssh;

import io.a4c.events.WorkspaceLogin;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a container's {@code /etc/passwd}, {@code /etc/group} and {@code /etc/shadow} that
 * give the developer their login: the user (uid = their own group's gid), their personal group, and
 * membership of {@link WorkspaceLogin#GROUP_NAME}, the group {@code /src} belongs to. Rewriting is
 * idempotent: a line of the same name or id is replaced, never doubled, so a redelivered create or
 * a second sync writes the same files. Written straight into the files rather than by {@code
 * useradd} because minimal images have no such tool.
 */
public final class AccountFiles {
  private AccountFiles() {}

  /** The home directory of a login. */
  public static String home(WorkspaceLogin login) {
    return "/home/" + login.name();
  }

  /** {@code /etc/passwd} with the login's line. Shell: bash if the image has it, else sh. */
  public static String passwd(String current, WorkspaceLogin login, String shell) {
    String line =
        login.name()
            + ":x:"
            + login.uid()
            + ":"
            + login.uid()
            + ":A4C workspace user:"
            + home(login)
            + ":"
            + shell;
    return replace(current, login.name(), Integer.toString(login.uid()), 2, line);
  }

  /**
   * {@code /etc/shadow} with the login's line: {@code *}, no password, but not locked — OpenSSH
   * refuses key logins to a locked ({@code !}) account.
   */
  public static String shadow(String current, WorkspaceLogin login) {
    return replace(current, login.name(), null, -1, login.name() + ":*:19000:0:99999:7:::");
  }

  /** {@code /etc/group} with the login's own group and the login in the workspace group. */
  public static String group(String current, WorkspaceLogin login) {
    String own = login.name() + ":x:" + login.uid() + ":";
    String withOwn = replace(current, login.name(), Integer.toString(login.uid()), 2, own);
    List<String> lines = new ArrayList<>(lines(withOwn));
    String gid = Integer.toString(WorkspaceLogin.GROUP_ID);
    boolean found = false;
    for (int i = 0; i < lines.size(); i++) {
      String[] fields = lines.get(i).split(":", -1);
      if (fields.length >= 4
          && (fields[0].equals(WorkspaceLogin.GROUP_NAME) || fields[2].equals(gid))) {
        found = true;
        List<String> members = new ArrayList<>();
        for (String member : fields[3].split(",")) {
          if (!member.isEmpty() && !member.equals(login.name())) {
            members.add(member);
          }
        }
        members.add(login.name());
        lines.set(
            i, fields[0] + ":" + fields[1] + ":" + fields[2] + ":" + String.join(",", members));
      }
    }
    if (!found) {
      lines.add(WorkspaceLogin.GROUP_NAME + ":x:" + gid + ":" + login.name());
    }
    return String.join("\n", lines) + "\n";
  }

  /**
   * The file with {@code line} in place of the first line of {@code name} (field 0) or of {@code
   * id} (field {@code idField}), other such lines dropped; appended when there is none.
   */
  private static String replace(String current, String name, String id, int idField, String line) {
    List<String> kept = new ArrayList<>();
    boolean placed = false;
    for (String existing : lines(current)) {
      String[] fields = existing.split(":", -1);
      boolean sameName = fields[0].equals(name);
      boolean sameId = id != null && fields.length > idField && fields[idField].equals(id);
      if (!sameName && !sameId) {
        kept.add(existing);
      } else if (!placed) {
        kept.add(line);
        placed = true;
      }
    }
    if (!placed) {
      kept.add(line);
    }
    return String.join("\n", kept) + "\n";
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }
}
