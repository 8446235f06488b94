package io.a4c.functions.builds;

import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque list tokens: the schedule id to continue after, encoded. Only ever a position inside the
 * path's user's partition, so a crafted token reaches no other user's data; a malformed one is 400.
 */
final class SchedulePageTokens {
  private static final String PREFIX = "s1:";

  private SchedulePageTokens() {}

  static String encode(String lastScheduleId) {
    return lastScheduleId == null
        ? null
        : Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((PREFIX + lastScheduleId).getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String token) {
    if (token == null) {
      return null;
    }
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (plain.startsWith(PREFIX)
          && Names.SCHEDULE_ID.matcher(plain.substring(PREFIX.length())).matches()) {
        return plain.substring(PREFIX.length());
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidRequestException("nextToken", "nextToken is not a token this API issued");
  }
}
