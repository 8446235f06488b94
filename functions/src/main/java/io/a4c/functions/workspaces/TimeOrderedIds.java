package io.a4c.functions.workspaces;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Workspace ids in the ULID layout, lowercased: 10 base-32 characters of milliseconds, then 16 of
 * randomness. Ids sort by creation time, so a user's list (sorted by id) is oldest first.
 */
@Singleton
public final class TimeOrderedIds implements IdGenerator {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public TimeOrderedIds(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String workspaceId() {
    char[] out = new char[26];
    long millis = clock.millis();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    byte[] noise = new byte[16];
    random.nextBytes(noise);
    for (int i = 0; i < 16; i++) {
      out[10 + i] = ALPHABET[noise[i] & 31];
    }
    return "ws-" + new String(out);
  }

  @Override
  public String commandId() {
    return UUID.randomUUID().toString();
  }
}
