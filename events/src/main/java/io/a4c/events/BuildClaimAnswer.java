package io.a4c.events;

/**
 * The answer to a {@link BuildClaim}.
 *
 * @param granted whether the asking builder now holds the build and must run it
 * @param status the record's status after the claim; null when there is no such build
 * @param reason when refused: why, for the builder's log
 */
public record BuildClaimAnswer(int version, boolean granted, BuildStatus status, String reason) {
  public BuildClaimAnswer {
    Versions.require("BuildClaimAnswer", version);
    if (granted && status != BuildStatus.IN_PROGRESS) {
      throw new IllegalArgumentException("a granted claim leaves the build IN_PROGRESS");
    }
  }

  public static BuildClaimAnswer grant() {
    return new BuildClaimAnswer(Versions.CURRENT, true, BuildStatus.IN_PROGRESS, null);
  }

  public static BuildClaimAnswer refuse(BuildStatus status, String reason) {
    return new BuildClaimAnswer(Versions.CURRENT, false, status, reason);
  }
}
