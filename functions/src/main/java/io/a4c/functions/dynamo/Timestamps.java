package io.a4c.functions.dynamo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one text form of every stored instant: ISO-8601 UTC with a fixed nine-digit fraction, so it
 * keeps what the clock gave and sorts as the instants do (sort keys: {@code updatedAt} of the
 * in-flight index, {@code scheduledAt} of the status index).
 *
 * <p>Items written before this form exist with a three-digit fraction (build {@code scheduledAt})
 * or {@link Instant#toString()}'s variable one (other build, image and audit times); {@link #parse}
 * reads them all. A range condition against an old value can only be off for two instants in the
 * same millisecond; an equality condition on one must also accept {@link #legacy} (see {@code
 * BuildScheduleStore#markResent}).
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static String format(Instant at) {
    return FORMAT.format(at);
  }

  /** Reads any ISO-8601 UTC instant, whatever its fraction's length. */
  public static Instant parse(String text) {
    return Instant.parse(text);
  }

  /** The form {@link Instant#toString()} gave, which items written before {@link #format} hold. */
  public static String legacy(Instant at) {
    return at.toString();
  }
}
