package io.a4c.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One build on the build queue: everything a builder needs, so builders read no table. A job may be
 * delivered more than once; the claim ({@link BuildClaim}) makes sure one builder runs it.
 *
 * @param change the source change to build; null means the parent's newest (recurring builds),
 *     which the builder resolves and reports
 */
public record BuildJob(
    int version,
    String scheduleId,
    String userId,
    BuildKind kind,
    String projectName,
    String parentName,
    Arch arch,
    String change,
    BuildSpec spec,
    Instant scheduledAt)
    implements BuildMessage {
  public BuildJob {
    Versions.require("BuildJob", version);
    Names.require("scheduleId", scheduleId, Names.SCHEDULE_ID);
    Names.require("userId", userId, Names.USER_ID);
    Objects.requireNonNull(kind, "kind");
    Names.require("projectName", projectName, Names.PROJECT_NAME);
    Names.require("parentName", parentName, Names.PARENT_NAME);
    Objects.requireNonNull(arch, "arch");
    if (change != null) {
      Names.require("change", change, Names.CHANGE);
    }
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(scheduledAt, "scheduledAt");
  }

  /** A version-1 job. */
  public static BuildJob of(
      String scheduleId,
      String userId,
      BuildKind kind,
      String projectName,
      String parentName,
      Arch arch,
      String change,
      BuildSpec spec,
      Instant scheduledAt) {
    return new BuildJob(
        Versions.CURRENT,
        scheduleId,
        userId,
        kind,
        projectName,
        parentName,
        arch,
        change,
        spec,
        scheduledAt);
  }
}
