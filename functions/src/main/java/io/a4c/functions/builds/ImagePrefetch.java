package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.PrefetchImage;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.hosts.HostImageStore;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.hosts.LeastDiskPlacement;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.projects.ProjectPrefetch;
import io.a4c.functions.projects.ProjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a completed build's image to hosts before any workspace asks for it: hosts of the build's
 * arch pull it ({@link PrefetchImage}) until the project's {@code prefetch.hosts} hold it, the
 * builder and hosts whose heartbeat lists it counted. The others are chosen among ACTIVE hosts with
 * a fresh heartbeat, least disk in use first (as placement weighs it), so the image goes where the
 * next workspaces will. Called by {@link BuildReports} for every COMPLETED report, a redelivered
 * one too: the command ids are the build's and the host's, so SQS drops a repeat within its
 * deduplication window, and a pull of an image already there is a no-op. Thread-safe.
 */
@Singleton
public final class ImagePrefetch {
  private static final Logger log = LoggerFactory.getLogger(ImagePrefetch.class);

  private final HostStore hosts;
  private final HostImageStore holders;
  private final HostCommandSender commands;
  private final ProjectStore projects;
  private final Clock clock;
  private final Duration staleAfter;

  @Inject
  public ImagePrefetch(
      HostStore hosts,
      HostImageStore holders,
      HostCommandSender commands,
      ProjectStore projects,
      Clock clock,
      FunctionsConfig config) {
    this.hosts = hosts;
    this.holders = holders;
    this.commands = commands;
    this.projects = projects;
    this.clock = clock;
    this.staleAfter = config.hostStaleAfter();
  }

  /**
   * Tells hosts to pull the completed {@code build}'s image; returns the hosts told. A host whose
   * queue cannot be reached is skipped (logged): a create placed there pulls the image itself.
   */
  public List<String> afterBuild(BuildSchedule build, String builderHostId) {
    var prefetch =
        projects
            .get(build.projectName())
            .map(p -> p.config().prefetch())
            .orElse(ProjectPrefetch.DEFAULT);
    var targets =
        targets(
            hosts.all(),
            holders.holders(build.imageRef()),
            build.arch(),
            builderHostId,
            prefetch,
            clock.instant(),
            staleAfter);
    for (String hostId : targets) {
      try {
        commands.send(
            PrefetchImage.of(
                "prefetch-" + build.scheduleId() + "-" + hostId, hostId, build.imageRef()));
      } catch (ProblemException e) {
        log.atWarn()
            .addKeyValue("hostId", hostId)
            .addKeyValue("imageRef", build.imageRef())
            .log("prefetch not sent: {}", e.getMessage());
      }
    }
    if (!targets.isEmpty()) {
      log.atInfo()
          .addKeyValue("scheduleId", build.scheduleId())
          .addKeyValue("imageRef", build.imageRef())
          .addKeyValue("hosts", targets)
          .log("image prefetch sent");
    }
    return targets;
  }

  /**
   * The hosts that should pull the image that {@code holding} hold so that as many hold it as
   * {@code prefetch} wants (a share counts the live hosts of {@code arch}: ACTIVE with a fresh
   * heartbeat, and the builder): none when the builder and the hosts listing it are enough; else
   * live hosts of {@code arch} lacking it, least disk in use first, then host id.
   */
  static List<String> targets(
      List<Host> hosts,
      Set<String> holding,
      Arch arch,
      String builderHostId,
      ProjectPrefetch prefetch,
      Instant now,
      Duration staleAfter) {
    var ofArch = hosts.stream().filter(h -> h.arch() == arch).toList();
    long live =
        ofArch.stream()
            .filter(h -> h.hostId().equals(builderHostId) || live(h, now, staleAfter))
            .count();
    if (ofArch.stream().noneMatch(h -> h.hostId().equals(builderHostId))) {
      live++;
    }
    int wanted = prefetch.holdersWanted((int) live);
    long holders =
        ofArch.stream()
            .filter(h -> h.hostId().equals(builderHostId) || holding.contains(h.hostId()))
            .count();
    // The builder holds it even before its next heartbeat says so, and even if it is not listed.
    if (ofArch.stream().noneMatch(h -> h.hostId().equals(builderHostId))) {
      holders++;
    }
    long missing = wanted - holders;
    if (missing <= 0) {
      return List.of();
    }
    return ofArch.stream()
        .filter(h -> !h.hostId().equals(builderHostId) && !holding.contains(h.hostId()))
        .filter(h -> live(h, now, staleAfter))
        .sorted(Comparator.comparingLong(LeastDiskPlacement::diskInUse).thenComparing(Host::hostId))
        .limit(missing)
        .map(Host::hostId)
        .toList();
  }

  private static boolean live(Host host, Instant now, Duration staleAfter) {
    return host.status() == HostStatus.ACTIVE && host.heartbeatFresh(now, staleAfter);
  }
}
