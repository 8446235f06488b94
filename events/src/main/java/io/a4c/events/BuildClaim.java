package io.a4c.events;

/**
 * A builder's request to take a build: the one conditional write that decides which builder runs
 * it. Sent to the build-claim function, which answers with a {@link BuildClaimAnswer}.
 *
 * @param workerId the builder slot asking, {@code <hostId>/<slot>}
 * @param attempt the job message's receive count, for the log only: the store assigns the build's
 *     attempt ({@link BuildClaimAnswer#attempt}), so no builder can pick a number that takes over
 *     another's build
 */
public record BuildClaim(
    int version, String scheduleId, String userId, String hostId, String workerId, int attempt) {
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

  /** A version-1 claim. */
  public static BuildClaim of(
      String scheduleId, String userId, String hostId, String workerId, int attempt) {
    return new BuildClaim(Versions.CURRENT, scheduleId, userId, hostId, workerId, attempt);
  }
}
