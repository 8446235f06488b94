package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import java.time.Instant;

/**
 * An image schedule as stored.
 *
 * @param change the change asked for; null for a recurring build until its builder resolved the
 *     parent's newest
 * @param attempt the receive count of the job delivery that holds (or last held) the claim: the
 *     fencing token every report from a builder must carry
 * @param attempts how many times a builder took the build
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
    Instant lastSentAt) {}
