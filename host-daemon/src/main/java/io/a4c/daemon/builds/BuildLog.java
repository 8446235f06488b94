package io.a4c.daemon.builds;

/**
 * A build's output as it goes: the first {@link #HEAD_CHARS} characters and the last ones up to
 * what a report may carry, with a marker where the middle was dropped. Thread-safe.
 */
public final class BuildLog {
  static final int HEAD_CHARS = 16 * 1024;

  private final int tailChars;
  private final StringBuilder head = new StringBuilder();
  private final StringBuilder tail = new StringBuilder();
  private long dropped;

  public BuildLog(int maxChars) {
    this.tailChars = maxChars - HEAD_CHARS - 100;
  }

  /** Appends a line. */
  public void line(String text) {
    text(text.endsWith("\n") ? text : text + "\n");
  }

  /** Appends text as it came. */
  public synchronized void text(String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    int room = HEAD_CHARS - head.length();
    if (room > 0) {
      head.append(text, 0, Math.min(room, text.length()));
      text = text.substring(Math.min(room, text.length()));
    }
    tail.append(text);
    if (tail.length() > tailChars) {
      int cut = tail.length() - tailChars;
      dropped += cut;
      tail.delete(0, cut);
    }
  }

  /** The text kept: head, a marker if anything was dropped, tail. */
  public synchronized String text() {
    return dropped == 0
        ? head.toString() + tail
        : head + "\n[… " + dropped + " characters left out …]\n" + tail;
  }
}
