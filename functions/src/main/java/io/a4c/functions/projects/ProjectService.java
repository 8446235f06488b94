package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.inject.Singleton;

/** Projects and their images: what admins configure and what workspace creation resolves. */
@Singleton
public final class ProjectService {
  private final ProjectStore projects;
  private final ImageStore images;
  private final Clock clock;
  private final AuditLog audit;

  @Inject
  public ProjectService(ProjectStore projects, ImageStore images, Clock clock, AuditLog audit) {
    this.projects = projects;
    this.images = images;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Creates or replaces a project's configuration (audited).
   *
   * @throws InvalidRequestException 400 naming the repeat ({@code parents[i]}, {@code tools[i]},
   *     {@code builders[i]}, {@code recurringBuilds[i]}) when an entry of one of those lists is
   *     given twice
   */
  public Project put(Origin origin, String projectName, ProjectConfig config) {
    requireDistinct(config);
    var project = new Project(projectName, config, clock.instant());
    projects.put(project);
    audit.record(origin, "project.put", null, "project:" + projectName, Map.of());
    return project;
  }

  /**
   * Refuses an entry given twice in a list where a repeat means nothing: a tool installed twice, a
   * parent or builder named twice, a recurring build identical in every field to another (its arch
   * left out counting as amd64: both would fire as the same build). {@code setup} may repeat a
   * command: its commands run in order, each time listed. Checked when a configuration is written,
   * not in {@link ProjectConfig}'s constructor: stored configurations are read through that
   * constructor, and one stored before this rule with a repeat must stay readable ({@link
   * ProjectStore} reads it {@link ProjectConfig#withoutRepeats without the repeats}).
   */
  private static void requireDistinct(ProjectConfig config) {
    requireDistinct("tools", config.tools(), "install each tool once");
    requireDistinct("parents", config.parents(), "name each parent once");
    requireDistinct("recurringBuilds", config.recurringBuilds(), "list each recurring build once");
    requireDistinct("builders", config.builders(), "name each builder once");
  }

  private static void requireDistinct(String field, List<?> entries, String rule) {
    for (int i = 1; i < entries.size(); i++) {
      int first = entries.indexOf(entries.get(i));
      if (first < i) {
        String what =
            entries.get(i) instanceof String name
                ? " is " + name + ", as " + field + "[" + first + "] is"
                : " is the same as " + field + "[" + first + "]";
        throw new InvalidRequestException(
            field + "[" + i + "]", field + "[" + i + "]" + what + "; " + rule);
      }
    }
  }

  /** The project; 404 when there is none. */
  public Project get(String projectName) {
    return projects.get(projectName).orElseThrow(() -> new ProjectNotFoundException(projectName));
  }

  /** Registers a ready image for one of the project's parents (audited). */
  public Image registerImage(Origin origin, String projectName, RegisterImageRequest request) {
    Project project = get(projectName);
    requireParent(project, request.parentName());
    if (project.config().source().isPerforce()
        && !Names.PERFORCE_CHANGE.matcher(request.change()).matches()) {
      // As for a build: a label would stand at no position among the numbered changes.
      throw new InvalidRequestException(
          "change",
          "project "
              + projectName
              + " syncs from Perforce: change must be a submitted changelist number (such as"
              + " 12345) or head, not a label or another revision");
    }
    var image =
        new Image(
            projectName,
            request.parentName(),
            request.parsedArch(),
            request.change(),
            position(project, request.change()),
            request.imageRef(),
            Image.COMPLETED,
            clock.instant());
    images.put(image);
    audit.record(
        origin,
        "image.register",
        null,
        "project:" + projectName,
        Map.of(
            "parentName",
            image.parentName(),
            "arch",
            image.arch().wireName(),
            "change",
            image.change(),
            "imageRef",
            image.imageRef()));
    return image;
  }

  /**
   * Where a registered change stands: a Perforce change number is its own position; a git revision
   * has none that can be read from its name (0: unknown, below every built change's).
   */
  private static long position(Project project, String change) {
    if (!"perforce".equals(project.config().source().type())) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(change));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The image a new workspace runs: that change's when one is named, else the newest change's
   * COMPLETED image ({@link ImageStore#newestCompleted}).
   *
   * @throws ProblemException 409 when there is no such image yet
   */
  public Image resolveImage(Project project, String parentName, Arch arch, String change) {
    return resolveImage(
        project,
        parentName,
        arch,
        change,
        () -> findImage(project.projectName(), parentName, arch, change));
  }

  /**
   * The COMPLETED image a create of the project's parent and arch would get (at {@code change}, or
   * the newest change when null), read without the project: a caller that reads both at once passes
   * it to {@link #resolveImage(Project, String, Arch, String, Supplier)}.
   */
  public Optional<Image> findImage(
      String projectName, String parentName, Arch arch, String change) {
    return change == null
        ? images.newestCompleted(projectName, parentName, arch)
        : images.completed(projectName, parentName, arch, change);
  }

  /**
   * As {@link #resolveImage(Project, String, Arch, String)}, with the image {@link #findImage}
   * finds (or found): 400 for a parent the project does not have, before the image is asked for;
   * then 409 when there is no image.
   */
  public Image resolveImage(
      Project project,
      String parentName,
      Arch arch,
      String change,
      Supplier<Optional<Image>> image) {
    requireParent(project, parentName);
    return image
        .get()
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.CONFLICT,
                    "project "
                        + project.projectName()
                        + " has no completed image for parent "
                        + parentName
                        + ", arch "
                        + arch.wireName()
                        + (change == null ? "" : " at change " + change)
                        + " yet; build or register one first",
                    change == null ? "parentName" : "change",
                    "no-image"));
  }

  private static void requireParent(Project project, String parentName) {
    if (!project.config().parents().contains(parentName)) {
      throw new InvalidRequestException(
          "parentName",
          "parentName must be one of project "
              + project.projectName()
              + "'s parents: "
              + project.config().parents());
    }
  }
}
