package io.a4c.daemon.builds;

import io.a4c.daemon.config.DaemonConfig;
import io.a4c.events.Names;
import io.a4c.events.Redaction;
import io.a4c.events.WorkspaceLogin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.inject.Singleton;

/**
 * A real {@code git clone} and {@code git checkout} of a build's sources into its build context, on
 * the builder (so the base image needs no git and the sources are copied into the image), made
 * group-writable for the workspace group. Arguments are passed as an argument vector, never through
 * a shell, after their rules. The whole checkout has a deadline ({@link #timeout()}): git's output
 * is read on another thread, so a clone that stalls (a server that never answers) is stopped when
 * the deadline passes, git and every process it started killed. The URL's credentials (a {@code
 * user:token@} in it) are masked with {@link Redaction} in the commands and output it logs and in
 * its failure messages. Needs {@code git} on the builder host. Thread-safe.
 *
 * <p>git runs at the builder's low CPU and I/O priority ({@link LowPriority}, {@code
 * A4C_BUILD_NICE}), so a burst of checkouts does not take the CPU or the disk from the host's
 * workspaces and daemon. {@code nice} and {@code ionice} exec git, so the process timed and killed
 * at the deadline is git itself, and git's own children are killed with it.
 *
 * <p>Only the parent's history is built: a named change must be reachable from the parent branch
 * ({@code git merge-base --is-ancestor}), so no user can make a parent's image of an unmerged
 * branch's commit. The checkout says where the commit stands in that history ({@code git rev-list
 * --count}: a descendant always counts more than its ancestors), so the newest change built, not
 * the last build to end, becomes the parent's default image.
 */
@Singleton
public final class GitCheckout {
  /** How long a checkout may take on a builder. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

  private final Duration timeout;
  private final LowPriority priority;

  /**
   * A checkout failed; the message says which command and what git printed, the URL's credentials
   * masked.
   */
  public static final class CheckoutFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CheckoutFailed(String message) {
      super(message);
    }
  }

  /**
   * What was checked out.
   *
   * @param commit the full commit id
   * @param position how many commits its history holds ({@code git rev-list --count}), at least 1
   */
  public record Checkout(String commit, long position) {}

  /**
   * A checkout with the {@link #DEFAULT_TIMEOUT}, git at the builder's niceness ({@link
   * DaemonConfig.Builder#nice()}).
   */
  @javax.inject.Inject
  public GitCheckout(DaemonConfig config) {
    this(DEFAULT_TIMEOUT, LowPriority.of(config.builder().nice()));
  }

  /**
   * A checkout that gives up, killing git, once {@code timeout} has passed since it started; git
   * runs at {@code priority}.
   */
  public GitCheckout(Duration timeout, LowPriority priority) {
    this.timeout = timeout;
    this.priority = priority;
  }

  /** How long one checkout (clone, checkout and rev-parse together) may take. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Clones {@code url} into {@code dir} and checks out {@code change}, or the parent branch's
   * newest commit when {@code change} is null.
   *
   * @throws CheckoutFailed also when {@code change} is not reachable from the parent branch
   */
  public Checkout checkout(String url, String parent, String change, Path dir, BuildLog log)
      throws CheckoutFailed, InterruptedException {
    Names.require("source.url", url, Names.GIT_URL);
    Names.require("parentName", parent, Names.PARENT_NAME);
    String target =
        change == null ? "origin/" + parent : Names.require("change", change, Names.CHANGE);
    long deadline = System.nanoTime() + timeout.toNanos();
    run(
        log,
        List.of("git", "clone", "--quiet", "--no-checkout", "--", url, dir.toString()),
        null,
        deadline,
        url);
    run(
        log,
        List.of(
            "git",
            "-c",
            "advice.detachedHead=false",
            "checkout",
            "--quiet",
            "--detach",
            target,
            "--"),
        dir,
        deadline,
        url);
    String commit = run(log, List.of("git", "rev-parse", "HEAD"), dir, deadline, url).strip();
    if (change != null) {
      try {
        run(
            log,
            List.of("git", "merge-base", "--is-ancestor", commit, "origin/" + parent),
            dir,
            deadline,
            url);
      } catch (CheckoutFailed e) {
        throw new CheckoutFailed(
            "change "
                + change
                + " is not on parent branch "
                + parent
                + ": only commits reachable from it are built ("
                + e.getMessage()
                + ")");
      }
    }
    long position;
    try {
      position =
          Long.parseLong(
              run(log, List.of("git", "rev-list", "--count", commit), dir, deadline, url).strip());
    } catch (NumberFormatException e) {
      throw new CheckoutFailed("git rev-list --count did not print a number");
    }
    log.line("checked out " + commit + " (commit " + position + " of " + parent + "'s history)");
    try {
      makeGroupWritable(dir);
    } catch (IOException e) {
      throw new CheckoutFailed("could not make the checkout group-writable: " + e.getMessage());
    }
    return new Checkout(commit, position);
  }

  /**
   * Adds group write to every file and directory of the checkout but {@code .git}: the Dockerfile
   * copies it to {@code /src} owned by the workspace group ({@link WorkspaceLogin#GROUP_ID}), and
   * the modes travel with the context, so the workspace's login can write the sources without a
   * second layer of {@code chmod}. Symbolic links are left alone (their own mode means nothing).
   */
  static void makeGroupWritable(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attrs)
              throws IOException {
            if (path.equals(dir.resolve(".git"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            addGroupWrite(path);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path path, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              addGroupWrite(path);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void addGroupWrite(Path path) throws IOException {
    Set<PosixFilePermission> permissions =
        EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    if (permissions.add(PosixFilePermission.GROUP_WRITE)) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  /** Runs a git command in {@code dir}; {@code url}'s credentials are masked in all it logs. */
  private String run(BuildLog log, List<String> command, Path dir, long deadline, String url)
      throws CheckoutFailed, InterruptedException {
    log.line(Redaction.text("$ " + String.join(" ", command), url));
    var builder = new ProcessBuilder(priority.command(command)).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CheckoutFailed(
          "could not run git (is it installed on the builder?): " + e.getMessage());
    }
    var collected = new ByteArrayOutputStream();
    Thread reader =
        Thread.ofVirtual()
            .name("git-output")
            .start(
                () -> {
                  try (var in = process.getInputStream()) {
                    in.transferTo(collected);
                  } catch (IOException e) {
                    // the process was killed: what was read is kept
                  }
                });
    try {
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        killTree(process);
        reader.join(Duration.ofSeconds(5));
        log.text(Redaction.text(collected.toString(StandardCharsets.UTF_8), url));
        throw new CheckoutFailed(
            "git "
                + subcommand(command)
                + " did not finish within the checkout's "
                + describe(timeout)
                + "; stopped");
      }
      // The output ends when the last process holding the pipe has ended; not past the deadline.
      reader.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } finally {
      if (process.isAlive()) {
        killTree(process); // interrupted: the builder is stopping
      }
    }
    String output = collected.toString(StandardCharsets.UTF_8);
    log.text(Redaction.text(output, url));
    if (process.exitValue() != 0) {
      String last = Redaction.text(output, url).strip();
      int cut = last.lastIndexOf('\n');
      last = cut >= 0 ? last.substring(cut + 1) : last;
      throw new CheckoutFailed(
          "git "
              + subcommand(command)
              + " failed: "
              + (last.isEmpty() ? "exit " + process.exitValue() : last));
    }
    return output;
  }

  private static String subcommand(List<String> command) {
    return command.get(command.get(1).equals("-c") ? 3 : 1);
  }

  /** Kills git and whatever it started (a remote helper, ssh), children first. */
  private static void killTree(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private static String describe(Duration duration) {
    return duration.toSecondsPart() == 0 && duration.toMinutes() > 0
        ? duration.toMinutes() + " min"
        : duration.toSeconds() + " s";
  }
}
