package io.a4c.daemon.builds;

import io.a4c.events.Redaction;

/**
 * A build's output as it goes: the first {@link #HEAD_CHARS} characters and the last ones up to
 * what a report may carry, with a marker where the middle was dropped. Every piece is masked with
 * {@link Redaction} as it comes (before any cut), so no URL's credentials, nor the source URL's
 * however git quotes them, reach the report: build logs are read by every user. Thread-safe.
 */
public final class BuildLog {
  static final int HEAD_CHARS = 16 * 1024;

  private final int tailChars;
  private final StringBuilder head = new StringBuilder();
  private final StringBuilder tail = new StringBuilder();
  private final String sourceUrl;
  private long dropped;

  /** A log that masks the credentials of any URL written to it. */
  public BuildLog(int maxChars) {
    this(maxChars, null);
  }

  /**
   * A log that also masks {@code sourceUrl}'s user information wherever it is quoted without its
   * scheme.
   */
  public BuildLog(int maxChars, String sourceUrl) {
    this.tailChars = maxChars - HEAD_CHARS - 100;
    this.sourceUrl = sourceUrl;
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
    text = Redaction.text(text, sourceUrl);
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
