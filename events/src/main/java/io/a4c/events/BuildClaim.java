package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A builder's request to take a build: the one conditional write that decides which builder runs
 * it. Sent to the build-claim function, which answers with a {@link BuildClaimAnswer}.
 *
 * @param workerId the builder slot asking, {@code <hostId>/<slot>}
 * @param attempt the job message's receive count, for the log only: the store assigns the build's
 *     attempt ({@link BuildClaimAnswer#attempt}), so no builder can pick a number that takes over
 *     another's build
 * @param proof that the host named sent it ({@link CallerProof}); null from a daemon before it,
 *     whose claim the function refuses
 */
public record BuildClaim(
    int version,
    String scheduleId,
    String userId,
    String hostId,
    String workerId,
    int attempt,
    CallerProof proof) {
  public BuildClaim {
    Versions.require("BuildClaim", version);
    Names.require("scheduleId", scheduleId, Names.SCHEDULE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("workerId", workerId, Names.WORKER_ID);
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1");
    }
  }

  /** A version-1 claim, not yet proven ({@link #withProof}). */
  public static BuildClaim of(
      String scheduleId, String userId, String hostId, String workerId, int attempt) {
    return new BuildClaim(Versions.CURRENT, scheduleId, userId, hostId, workerId, attempt, null);
  }

  /** This claim with {@code proof} that its host sent it. */
  public BuildClaim withProof(CallerProof proof) {
    return new BuildClaim(version, scheduleId, userId, hostId, workerId, attempt, proof);
  }

  /**
   * What a {@link CallerProof} covers: every field but the proof, one per line, after a prefix no
   * host event's body (a JSON object) can start with, so a signature made for one can never pass
   * for the other.
   */
  public String signedText() {
    return String.join(
        "\n",
        "a4c-build-claim",
        Integer.toString(version),
        scheduleId,
        userId,
        hostId,
        workerId,
        Integer.toString(attempt));
  }

  /** The SHA-256 of {@link #signedText()}, hex: what a presigned proof's digest header carries. */
  public String digest() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(signedText().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
