package io.a4c.events;

/**
 * The answer to a {@link BuildClaim}.
 *
 * @param granted whether the asking builder now holds the build and must run it
 * @param status the record's status after the claim; null when there is no such build
 * @param reason when refused: why, for the builder's log
 * @param attempt when granted: the attempt the store assigned to this claim, which the builder's
 *     report must carry (the fencing token; no builder chooses it). Null from a function before
 *     this field, whose builder then reports its job's receive count as before
 */
public record BuildClaimAnswer(
    int version, boolean granted, BuildStatus status, String reason, Integer attempt) {
  public BuildClaimAnswer {
    Versions.require("BuildClaimAnswer", version);
    if (granted && status != BuildStatus.IN_PROGRESS) {
      throw new IllegalArgumentException("a granted claim leaves the build IN_PROGRESS");
    }
    if (attempt != null && (!granted || attempt < 1)) {
      throw new IllegalArgumentException("only a granted claim has an attempt, at least 1");
    }
  }

  /** The claim is granted as {@code attempt}. */
  public static BuildClaimAnswer grant(int attempt) {
    return new BuildClaimAnswer(Versions.CURRENT, true, BuildStatus.IN_PROGRESS, null, attempt);
  }

  /** The claim is refused; {@code status} is the build's (null: no such build). */
  public static BuildClaimAnswer refuse(BuildStatus status, String reason) {
    return new BuildClaimAnswer(Versions.CURRENT, false, status, reason, null);
  }
}
