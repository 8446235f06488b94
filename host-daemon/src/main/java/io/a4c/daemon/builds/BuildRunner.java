package io.a4c.daemon.builds;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.images.ImageLabels;
import io.a4c.daemon.registry.ImageRepository;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildStatus;
import io.a4c.events.Redaction;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed build: sources into a fresh build context (a real git checkout; Perforce is
 * synced by the rendered Dockerfile), the Dockerfile from the template, {@code docker build},
 * {@code docker push}, and the report. A permanent failure is a FAILED report with the reason; a
 * transient one is thrown, so the job is handed back. The context is removed afterwards.
 */
@Singleton
public final class BuildRunner {
  private static final Logger log = LoggerFactory.getLogger(BuildRunner.class);

  private final GitCheckout git;
  private final DockerfileTemplate template;
  private final DockerImageBuilder images;
  private final Clock clock;
  private final String hostId;

  /** Present on every builder (the configuration insists); the graph is made on every host. */
  private final Optional<ImageRepository> repository;

  private final Path workDir;

  @Inject
  public BuildRunner(
      GitCheckout git,
      DockerfileTemplate template,
      DockerImageBuilder images,
      Clock clock,
      DaemonConfig config) {
    this.git = git;
    this.template = template;
    this.images = images;
    this.clock = clock;
    this.hostId = config.hostId();
    this.repository = config.imageRepository();
    this.workDir = config.dataDir().resolve("builds");
  }

  /**
   * The longest a build may take here: its checkout, its engine build and its push, each with its
   * own deadline, plus a margin for the claim and the report. The builder keeps the job hidden no
   * longer than this.
   */
  public Duration deadline() {
    return git.timeout()
        .plus(images.buildTimeout())
        .plus(DockerImageBuilder.PUSH_TIMEOUT)
        .plus(Duration.ofMinutes(5));
  }

  /** The image a build makes: {@code <repository>:<project>_<parent>_<arch>_<change>}. */
  public static String imageRef(ImageRepository repository, BuildJob job, String change) {
    return repository.imageRef(job.projectName(), job.parentName(), job.arch(), change);
  }

  /**
   * Builds and pushes the job's image.
   *
   * @param onStream receives each engine stream, so that the caller can stop the build
   * @param onLog receives the build's log as it starts, so that the caller can ship it while it
   *     grows
   * @return the report to publish: COMPLETED with the image, or FAILED with the reason
   * @throws BuildFailure a transient failure: hand the job back
   */
  public BuildEnded run(
      BuildJob job,
      String workerId,
      int attempt,
      Consumer<Closeable> onStream,
      Consumer<BuildLog> onLog)
      throws BuildFailure, InterruptedException {
    var buildLog = new BuildLog(BuildEnded.MAX_LOG_BYTES, job.spec().source().url());
    onLog.accept(buildLog);
    buildLog.line("A4C build " + job.scheduleId() + " attempt " + attempt + " on " + workerId);
    Path context = workDir.resolve(job.scheduleId() + "-" + attempt);
    String change = job.change();
    try {
      recreate(context);
      String commit = null;
      Long position = null;
      if (job.spec().source().isGit()) {
        try {
          var checkout =
              git.checkout(
                  job.spec().source().url(),
                  job.parentName(),
                  job.change(),
                  // sources/src, copied as sources/ to /: COPY keeps the mode of src itself (the
                  // directory), which it would not if src/ were copied to /src/.
                  context.resolve("sources").resolve("src"),
                  buildLog);
          commit = checkout.commit();
          position = checkout.position();
        } catch (GitCheckout.CheckoutFailed e) {
          return failed(
              job, workerId, attempt, change, "source sync failed: " + e.getMessage(), buildLog);
        }
        if (change == null) {
          change = commit.substring(0, 12);
        }
      } else if (change == null) {
        change = DockerfileTemplate.HEAD;
      } else {
        position = perforcePosition(change);
      }
      String dockerfile = template.render(job, change, commit);
      Files.writeString(context.resolve("Dockerfile"), dockerfile);
      buildLog.line("--- Dockerfile ---\n" + dockerfile + "------------------");
      String tag = imageRef(repository.orElseThrow(), job, change);
      try {
        images.build(
            context,
            Set.of("sources/src/.git"),
            tag,
            job.spec().baseImage(),
            ImageLabels.of(
                job.scheduleId(), job.projectName(), job.parentName(), job.arch(), position),
            buildLog,
            onStream);
      } catch (BuildFailure e) {
        if (e.isTransient()) {
          throw e;
        }
        return failed(job, workerId, attempt, change, e.getMessage(), buildLog);
      }
      buildLog.line("--- push " + tag + " ---");
      String digest = images.push(tag, buildLog, onStream);
      buildLog.line("pushed " + tag + (digest == null ? "" : " " + digest));
      log.atInfo()
          .addKeyValue("scheduleId", job.scheduleId())
          .addKeyValue("workerId", workerId)
          .addKeyValue("imageRef", tag)
          .log("build pushed");
      return BuildEnded.of(
              hostId,
              job.scheduleId(),
              job.userId(),
              workerId,
              attempt,
              BuildStatus.COMPLETED,
              change,
              position,
              tag,
              digest,
              null,
              buildLog.text(),
              clock.instant())
          .withLogPlace(buildLog.written(), buildLog.tailFrom());
    } catch (IllegalArgumentException e) {
      // A value broke its rule at render time: refused, never rendered.
      return failed(
          job, workerId, attempt, change, "the build was refused: " + e.getMessage(), buildLog);
    } catch (IOException e) {
      throw new BuildFailure("the build context could not be written: " + e.getMessage(), true, e);
    } finally {
      delete(context);
    }
  }

  /**
   * A Perforce change number is its own place in the depot's history; {@code head} (or a label) has
   * none the builder can read without a p4 server, and is reported without one.
   */
  static Long perforcePosition(String change) {
    try {
      long number = Long.parseLong(change);
      return number >= 1 ? number : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The FAILED report, its reason masked with {@link Redaction} (it is logged, stored and shown to
   * the build's owner, and may quote the source URL).
   */
  private BuildEnded failed(
      BuildJob job, String workerId, int attempt, String change, String cause, BuildLog buildLog) {
    String reason = Redaction.text(cause, job.spec().source().url());
    buildLog.line("FAILED: " + reason);
    log.atInfo()
        .addKeyValue("scheduleId", job.scheduleId())
        .addKeyValue("workerId", workerId)
        .log("build failed: {}", reason);
    return BuildEnded.of(
            hostId,
            job.scheduleId(),
            job.userId(),
            workerId,
            attempt,
            BuildStatus.FAILED,
            change,
            null,
            null,
            null,
            reason,
            buildLog.text(),
            clock.instant())
        .withLogPlace(buildLog.written(), buildLog.tailFrom());
  }

  private static void recreate(Path dir) throws IOException {
    delete(dir);
    Files.createDirectories(dir);
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
