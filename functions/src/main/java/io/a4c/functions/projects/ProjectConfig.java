package io.a4c.functions.projects;

import io.a4c.events.Names;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.Validation;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A project's configuration as an admin writes it ({@code PUT /v1/projects/{projectName}}): where
 * its sources are, the base image, the tools its images install, its parents (streams or branches),
 * the setup commands run in every new workspace, the workspace size, overrides of the per-user
 * quotas ({@code quotas}, optional), recurring builds, what happens to idle and stopped workspaces
 * ({@code lifecycle}, optional), who may schedule its builds ({@code builders}, optional), and how
 * many hosts pull each new image when its build completes ({@code prefetch}, optional), and how
 * many running workspaces the hosts keep ready for it ({@code warmPool}, optional).
 *
 * @param builders the user ids that may schedule builds of the project, or {@code "*"} for every
 *     user (the default, {@code ["*"]}); admins always may. An empty list leaves it to admins
 */
public record ProjectConfig(
    ProjectSource source,
    String baseImage,
    List<String> tools,
    List<String> parents,
    List<String> setup,
    WorkspaceSize workspaceSize,
    ProjectQuotas quotas,
    List<RecurringBuild> recurringBuilds,
    ProjectLifecycle lifecycle,
    List<String> builders,
    ProjectPrefetch prefetch,
    WarmPool warmPool) {
  /** Every user, in {@link #builders}. */
  public static final String ANY_BUILDER = "*";

  /** A builder entry: {@link #ANY_BUILDER} or a user id. */
  private static final Pattern BUILDER = Pattern.compile("\\*|" + Names.USER_ID.pattern());

  /** Debian package names, the form tools are installed by. */
  static final Pattern TOOL = Names.TOOL;

  /**
   * One shell command line: printable ASCII, no control characters or newlines, and not ending in a
   * backslash (which would join the next line of a rendered script or Dockerfile to it).
   */
  static final Pattern SETUP_COMMAND = Names.SETUP_COMMAND;

  public ProjectConfig {
    if (source == null) {
      throw new InvalidRequestException("source", "source is required");
    }
    Validation.require("baseImage", baseImage, Names.IMAGE_REF, "a Docker image reference");
    tools = Validation.requireAll("tools", tools, TOOL, "Debian package names", 100);
    parents =
        Validation.requireAll(
            "parents", parents, Names.PARENT_NAME, "letters, digits and . _ - (up to 64)", 50);
    if (parents.isEmpty()) {
      throw new InvalidRequestException(
          "parents", "parents must name at least one stream or branch");
    }
    setup =
        Validation.requireAll(
            "setup",
            setup,
            SETUP_COMMAND,
            "one printable line of at most 1024 characters, not ending in a backslash",
            32);
    workspaceSize = Objects.requireNonNullElse(workspaceSize, WorkspaceSize.DEFAULT);
    lifecycle = Objects.requireNonNullElse(lifecycle, ProjectLifecycle.DEFAULT);
    prefetch = Objects.requireNonNullElse(prefetch, ProjectPrefetch.DEFAULT);
    warmPool = Objects.requireNonNullElse(warmPool, WarmPool.NONE);
    builders =
        builders == null
            ? List.of(ANY_BUILDER)
            : Validation.requireAll("builders", builders, BUILDER, "\"*\" or a user id", 1000);
    recurringBuilds = List.copyOf(Objects.requireNonNullElse(recurringBuilds, List.of()));
    if (recurringBuilds.size() > 20) {
      throw new InvalidRequestException(
          "recurringBuilds", "recurringBuilds may hold at most 20 entries");
    }
    for (int i = 0; i < recurringBuilds.size(); i++) {
      RecurringBuild recurring = recurringBuilds.get(i);
      if (recurring == null) {
        throw new InvalidRequestException(
            "recurringBuilds[" + i + "]", "recurringBuilds[" + i + "] is required");
      }
      if (!parents.contains(recurring.parentName())) {
        throw new InvalidRequestException(
            "recurringBuilds[" + i + "].parentName",
            "recurringBuilds[" + i + "].parentName must be one of parents " + parents);
      }
    }
  }

  /**
   * This configuration with each of {@code tools}, {@code parents}, {@code recurringBuilds} and
   * {@code builders} holding every entry once, at its first place: what a configuration stored
   * before {@code PUT} refused repeats in those lists reads as, so that its answers name each once
   * (the schema says {@code uniqueItems}) and nothing works through a repeat twice. {@code setup}
   * is kept as it is: a command listed twice runs twice. This when nothing repeats.
   */
  public ProjectConfig withoutRepeats() {
    var distinctTools = distinct(tools);
    var distinctParents = distinct(parents);
    var distinctRecurring = distinct(recurringBuilds);
    var distinctBuilders = distinct(builders);
    if (distinctTools.equals(tools)
        && distinctParents.equals(parents)
        && distinctRecurring.equals(recurringBuilds)
        && distinctBuilders.equals(builders)) {
      return this;
    }
    return new ProjectConfig(
        source,
        baseImage,
        distinctTools,
        distinctParents,
        setup,
        workspaceSize,
        quotas,
        distinctRecurring,
        lifecycle,
        distinctBuilders,
        prefetch,
        warmPool);
  }

  private static <T> List<T> distinct(List<T> entries) {
    return List.copyOf(new LinkedHashSet<>(entries));
  }

  /** Whether {@code userId} may schedule builds of the project (admins may, whatever this says). */
  public boolean mayBuild(String userId) {
    return builders.contains(ANY_BUILDER) || builders.contains(userId);
  }
}
