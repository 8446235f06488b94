package io.a4c.daemon.idle;

/**
 * Reads the kernel's TCP tables ({@code /proc/net/tcp} and {@code /proc/net/tcp6}, as seen in a
 * container's network namespace) for established connections to a local port: an SSH session into a
 * workspace is one to port 22. Lines it cannot read are skipped.
 */
public final class TcpSessions {
  /** The kernel's code for an established connection (column {@code st}). */
  private static final String ESTABLISHED = "01";

  private TcpSessions() {}

  /**
   * How many connections in {@code tables} (the text of one or more tables, headers included) are
   * established with local port {@code port}.
   */
  public static int established(String tables, int port) {
    int count = 0;
    for (String line : tables.split("\n")) {
      // "  0: 0100007F:0016 0100007F:A3B2 01 ...": slot, local, remote, state, ...
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 4 || !fields[0].endsWith(":")) {
        continue;
      }
      int colon = fields[1].lastIndexOf(':');
      if (colon < 0 || !ESTABLISHED.equals(fields[3])) {
        continue;
      }
      try {
        if (Integer.parseInt(fields[1].substring(colon + 1), 16) == port) {
          count++;
        }
      } catch (NumberFormatException e) {
        // not a table line
      }
    }
    return count;
  }
}
