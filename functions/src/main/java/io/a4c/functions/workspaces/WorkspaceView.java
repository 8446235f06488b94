package io.a4c.functions.workspaces;

import io.a4c.events.Arch;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import java.time.Instant;

/**
 * A workspace as the API shows it ({@code Workspace} in {@code docs/openapi.yaml}): the stored
 * record without what only storage needs (its version, its re-drive count), with its host's
 * reachability looked up on read.
 *
 * @param hostReachable whether its host is heartbeating (false when DOWN); null when not looked up
 *     or the host is unknown
 */
public record WorkspaceView(
    String userId,
    String workspaceId,
    String name,
    String projectName,
    String parentName,
    Arch arch,
    String change,
    String imageRef,
    String hostId,
    String hostname,
    String containerId,
    String ip,
    WorkspaceState state,
    WorkspaceStep step,
    String reason,
    Instant createdAt,
    Instant updatedAt,
    Boolean hostReachable) {

  /** The view of {@code w}, its host's reachability as given. */
  public static WorkspaceView of(Workspace w, Boolean hostReachable) {
    return new WorkspaceView(
        w.userId(),
        w.workspaceId(),
        w.name(),
        w.projectName(),
        w.parentName(),
        w.arch(),
        w.change(),
        w.imageRef(),
        w.hostId(),
        w.hostname(),
        w.containerId(),
        w.ip(),
        w.state(),
        w.step(),
        w.reason(),
        w.createdAt(),
        w.updatedAt(),
        hostReachable);
  }
}
