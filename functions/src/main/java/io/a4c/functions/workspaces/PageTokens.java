package io.a4c.functions.workspaces;

import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque list tokens: the id to continue after, encoded. A token only ever names a position
 * inside the path's user's partition (the user id comes from the path, never from the token), so
 * a crafted token cannot reach another user's data; a malformed one is a 400.
 */
final class PageTokens {
  private static final String PREFIX = "v1:";

  private PageTokens() {}

  static String encode(String lastWorkspaceId) {
    return lastWorkspaceId == null
        ? null
        : Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + lastWorkspaceId).getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String token) {
    if (token == null) {
      return null;
    }
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (plain.startsWith(PREFIX) && Names.WORKSPACE_ID.matcher(plain.substring(PREFIX.length())).matches()) {
        return plain.substring(PREFIX.length());
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidRequestException("nextToken", "nextToken is not a token this API issued");
  }
}
