package io.a4c.functions.builds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.Arch;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import java.time.Instant;

/**
 * An image schedule as stored. The API shows it as an {@link ImageScheduleView}. Made by {@link
 * #scheduled}; it changes in the store by conditional updates (claims, reports, cancels), so the
 * canonical constructor is for the store's item mapping only.
 *
 * @param change the change asked for; null for a recurring build until its builder resolved the
 *     parent's newest
 * @param attempt the number the store gave the claim that holds (or last held) the build ({@code
 *     attempts} then): the fencing token every report from a builder must carry
 * @param attempts how many times a builder took the build (claims, takeovers included)
 * @param workerId the builder slot that holds (or last held) it
 * @param notifyEmail where the end-of-build email goes; null for none
 * @param queued whether its job is on the build queue (held recurring builds are not yet)
 * @param job the job's JSON, kept so that a held build can be sent later, and a lost one again
 * @param lastSentAt when its job was last put on the build queue; null while it was not
 */
public record BuildSchedule(
    String userId,
    String scheduleId,
    String imageName,
    String projectName,
    String parentName,
    Arch arch,
    String change,
    BuildKind kind,
    BuildStatus status,
    int attempt,
    int attempts,
    String workerId,
    String hostId,
    String imageRef,
    String digest,
    String reason,
    String notifyEmail,
    boolean queued,
    String job,
    Instant scheduledAt,
    Instant startedAt,
    Instant endedAt,
    Instant updatedAt,
    Instant lastSentAt) {

  private static final ObjectMapper JOB_JSON = EventJson.newMapper();

  /**
   * Whether the build syncs its sources from Perforce, as its job says; false for git, and for a
   * job that cannot be read.
   */
  public boolean syncsFromPerforce() {
    if (job == null) {
      return false;
    }
    try {
      return "perforce"
          .equals(JOB_JSON.readTree(job).path("spec").path("source").path("type").asText());
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * A new build of {@code job}, SCHEDULED at the job's time, not yet taken nor queued.
   *
   * @param jobJson the job as sent to the build queue
   * @param imageName the user's label, or a fixed one for recurring builds
   * @param notifyEmail where the end-of-build email goes; null for none
   */
  public static BuildSchedule scheduled(
      BuildJob job, String jobJson, String imageName, String notifyEmail) {
    return new BuildSchedule(
        job.userId(),
        job.scheduleId(),
        imageName,
        job.projectName(),
        job.parentName(),
        job.arch(),
        job.change(),
        job.kind(),
        BuildStatus.SCHEDULED,
        0,
        0,
        null,
        null,
        null,
        null,
        null,
        notifyEmail,
        false,
        jobJson,
        job.scheduledAt(),
        null,
        null,
        job.scheduledAt(),
        null);
  }
}
