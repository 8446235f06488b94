package io.a4c.functions.builds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Schedule ids in the ULID layout, lowercased, after {@code bs-}: 10 base-32 characters of
 * milliseconds, then 16 of randomness, so a user's list (sorted by id) is oldest first. A recurring
 * build's id takes its 16 characters from a hash of what fired, so one firing can only ever make
 * one schedule. Thread-safe.
 */
@Singleton
public final class ScheduleIds {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public ScheduleIds(Clock clock) {
    this.clock = clock;
  }

  /** A new random id. */
  public String next() {
    byte[] noise = new byte[16];
    random.nextBytes(noise);
    return id(clock.millis(), noise);
  }

  /** The one id of a recurring build of {@code what} firing at {@code fire}. */
  public static String recurring(String what, Instant fire) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((what + "@" + fire).getBytes(StandardCharsets.UTF_8));
      return id(fire.toEpochMilli(), hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static String id(long millis, byte[] tail) {
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    for (int i = 0; i < 16; i++) {
      out[10 + i] = ALPHABET[tail[i] & 31];
    }
    return "bs-" + new String(out);
  }
}
