package io.a4c.functions.builds;

import io.a4c.events.BuildStatus;
import io.a4c.events.Names;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.http.PageTokens;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.util.List;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Reads a user's image schedules for the API: pages of them, one with its wait explained (queue
 * position and why), the build's log. Reads only, never writes. Thread-safe.
 */
@Singleton
public final class ImageScheduleReads {
  private final BuildScheduleStore schedules;
  private final BuildLogStore logs;
  private final BuildWaits waits;
  private final HostDirectory hosts;
  private final PageTokens pageTokens;

  @Inject
  public ImageScheduleReads(
      BuildScheduleStore schedules,
      BuildLogStore logs,
      BuildWaits waits,
      HostDirectory hosts,
      PageTokens pageTokens) {
    this.schedules = schedules;
    this.logs = logs;
    this.waits = waits;
    this.hosts = hosts;
    this.pageTokens = pageTokens;
  }

  /**
   * One page of the user's schedules, waiting ones explained. {@code nextToken} is sealed for this
   * user's list ({@link PageTokens}): one from another list, crafted or edited is a 400.
   */
  public ImageSchedulePage list(String userId, int limit, String nextToken) {
    String scope = "image-schedules/" + userId;
    var page = schedules.list(userId, limit, pageTokens.open(scope, nextToken, Names.SCHEDULE_ID));
    var snapshot =
        page.items().stream().anyMatch(b -> b.status() == BuildStatus.SCHEDULED)
            ? waits.snapshot()
            : null;
    // The holders come from a fleet read at most a few seconds ago, shared by the requests of this
    // instance: the dashboard asks for this page every 2 s while it is open, and a scan of the
    // hosts table (each host's item lists up to 500 image references) per request made the
    // table's read cost grow with hosts × open dashboards.
    var views =
        page.items().stream()
            .map(
                b ->
                    ImageScheduleView.of(
                        b, snapshot == null ? null : snapshot.explain(b), holders(b.imageRef())))
            .toList();
    return new ImageSchedulePage(views, pageTokens.seal(scope, page.lastScheduleId()));
  }

  /** The schedule, its wait explained; 404 when the user has none of that id. */
  public ImageScheduleView get(String userId, String scheduleId) {
    BuildSchedule build = find(userId, scheduleId);
    Waiting waiting =
        build.status() == BuildStatus.SCHEDULED ? waits.snapshot().explain(build) : null;
    return ImageScheduleView.of(build, waiting, holders(build.imageRef()));
  }

  /**
   * The build's log (its last attempt's), or what follows the first {@code after} characters of the
   * build's whole output ({@link BuildLogStore.BuildLog#after}); 404 before a builder sent any. A
   * running build's log is its builder's last update (the output's end); {@code ended} says when
   * the build is over (its end's log stored, or it ended without one).
   */
  public BuildLogView log(String userId, String scheduleId, long after) {
    BuildSchedule build = find(userId, scheduleId);
    var stored =
        logs.get(scheduleId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.NOT_FOUND,
                        "build " + scheduleId + " has no log yet (it is " + build.status() + ")",
                        null,
                        "no-log"));
    var slice = stored.after(after);
    return new BuildLogView(
        scheduleId,
        build.status(),
        stored.attempt(),
        slice.text(),
        stored.writtenAt(),
        slice.nextOffset(),
        !stored.live() || build.status().isFinal());
  }

  private BuildSchedule find(String userId, String scheduleId) {
    return schedules
        .get(userId, scheduleId, false)
        .orElseThrow(() -> new ScheduleNotFoundException(scheduleId));
  }

  /** The hosts holding the image; none, and no read of the fleet, for a build without one. */
  private List<String> holders(String imageRef) {
    return imageRef == null ? List.of() : hosts.holders(imageRef);
  }
}
