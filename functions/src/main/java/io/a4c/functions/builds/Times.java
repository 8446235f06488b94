package io.a4c.functions.builds;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Instants as fixed-width ISO-8601 text, which sorts as the instants do (a DynamoDB sort key). */
final class Times {
  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  static String sortable(Instant at) {
    return SORTABLE.format(at);
  }
}
