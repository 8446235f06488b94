package io.a4c.daemon.builds;

import io.a4c.events.Redaction;

/**
 * A build's output as it goes: the first {@link #HEAD_BYTES} bytes and the last ones up to what a
 * report may carry, with a marker where the middle was dropped. Sizes are UTF-8 bytes, what SQS and
 * DynamoDB count, never characters (a character may take up to four), and a cut never splits one.
 * Every piece is masked with {@link Redaction} as it comes (before any cut), so no URL's
 * credentials, nor the source URL's however git quotes them, reach the report: build logs are read
 * by every user. Thread-safe.
 */
public final class BuildLog {
  static final int HEAD_BYTES = 16 * 1024;

  /** Room kept for the marker, which is far shorter. */
  private static final int MARKER_BYTES = 100;

  private final int tailBytes;
  private final StringBuilder head = new StringBuilder();
  private final StringBuilder tail = new StringBuilder();
  private final String sourceUrl;
  private int headSize;
  private int tailSize;
  private long dropped;
  private long written;

  /** A log of at most {@code maxBytes} UTF-8 bytes that masks the credentials of any URL. */
  public BuildLog(int maxBytes) {
    this(maxBytes, null);
  }

  /**
   * A log of at most {@code maxBytes} UTF-8 bytes that also masks {@code sourceUrl}'s user
   * information wherever it is quoted without its scheme.
   */
  public BuildLog(int maxBytes, String sourceUrl) {
    this.tailBytes = maxBytes - HEAD_BYTES - MARKER_BYTES;
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
    written += text.length();
    int i = 0;
    while (i < text.length()) {
      int codePoint = text.codePointAt(i);
      int size = utf8Size(codePoint);
      if (headSize + size > HEAD_BYTES || !tail.isEmpty()) {
        break;
      }
      head.appendCodePoint(codePoint);
      headSize += size;
      i += Character.charCount(codePoint);
    }
    while (i < text.length()) {
      int codePoint = text.codePointAt(i);
      tail.appendCodePoint(codePoint);
      tailSize += utf8Size(codePoint);
      i += Character.charCount(codePoint);
    }
    // The tail may grow to twice its limit before its front is cut, in one deletion: cutting at
    // every append would shift the ~80 K characters kept for every piece a build prints.
    if (tailSize > 2 * tailBytes) {
      trimTail();
    }
  }

  /** Cuts the tail's front, whole characters, until it fits its limit. */
  private void trimTail() {
    int cut = 0;
    int over = tailSize - tailBytes;
    int removed = 0;
    while (removed < over) {
      int codePoint = tail.codePointAt(cut);
      removed += utf8Size(codePoint);
      cut += Character.charCount(codePoint);
    }
    if (cut > 0) {
      tail.delete(0, cut);
      tailSize -= removed;
      dropped += removed;
    }
  }

  /** How many characters were appended so far, dropped ones included: grows with every append. */
  public synchronized long written() {
    return written;
  }

  /** The last part of the output and where it starts in the whole of it. */
  public record Window(String text, long from) {}

  /**
   * The output's last {@code maxBytes} UTF-8 bytes at most (whole characters), and where they start
   * in the whole output, in UTF-16 code units as {@link #written} counts: what a live update of a
   * running build carries. At most the tail kept, so {@code maxBytes} must not pass its limit.
   */
  public synchronized Window window(int maxBytes) {
    if (maxBytes > tailBytes) {
      throw new IllegalArgumentException("a window is at most the tail kept: " + tailBytes);
    }
    CharSequence kept = dropped == 0 ? head.toString() + tail : tail;
    int start = kept.length();
    int size = 0;
    while (start > 0) {
      int codePoint = Character.codePointBefore(kept, start);
      int bytes = utf8Size(codePoint);
      if (size + bytes > maxBytes) {
        break;
      }
      size += bytes;
      start -= Character.charCount(codePoint);
    }
    String text = kept.subSequence(start, kept.length()).toString();
    return new Window(text, written - text.length());
  }

  /**
   * Where the tail of {@link #text} starts in the whole output (it runs to the end), in UTF-16 code
   * units; null when nothing was left out, so the text is the whole output.
   */
  public synchronized Long tailFrom() {
    trimTail();
    return dropped == 0 ? null : written - tail.length();
  }

  /** The text kept: head, a marker if anything was dropped, tail. */
  public synchronized String text() {
    trimTail();
    return dropped == 0
        ? head.toString() + tail
        : head + "\n[… " + dropped + " bytes left out …]\n" + tail;
  }

  private static int utf8Size(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
}
