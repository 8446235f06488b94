package io.a4c.daemon.builds;

import io.a4c.events.Names;
import io.a4c.events.WorkspaceLogin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.inject.Singleton;

/**
 * A real {@code git clone} and {@code git checkout} of a build's sources into its build context, on
 * the builder (so the base image needs no git and the sources are copied into the image), made
 * group-writable for the workspace group. Arguments are passed as an argument vector, never through
 * a shell, after their rules. Needs {@code git} on the builder host. Thread-safe.
 *
 * <p>Only the parent's history is built: a named change must be reachable from the parent branch
 * ({@code git merge-base --is-ancestor}), so no user can make a parent's image of an unmerged
 * branch's commit. The checkout says where the commit stands in that history ({@code git rev-list
 * --count}: a descendant always counts more than its ancestors), so the newest change built, not
 * the last build to end, becomes the parent's default image.
 */
@Singleton
public final class GitCheckout {
  private static final long TIMEOUT_MINUTES = 15;

  /** A checkout failed; the message says which command and what git printed. */
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

  @javax.inject.Inject
  public GitCheckout() {}

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
    run(log, List.of("git", "clone", "--quiet", "--no-checkout", "--", url, dir.toString()), null);
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
        dir);
    String commit = run(log, List.of("git", "rev-parse", "HEAD"), dir).strip();
    if (change != null) {
      try {
        run(log, List.of("git", "merge-base", "--is-ancestor", commit, "origin/" + parent), dir);
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
          Long.parseLong(run(log, List.of("git", "rev-list", "--count", commit), dir).strip());
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

  private static String run(BuildLog log, List<String> command, Path dir)
      throws CheckoutFailed, InterruptedException {
    log.line("$ " + String.join(" ", command));
    var builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
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
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      output = "";
    }
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new CheckoutFailed(command.get(1) + " did not finish in " + TIMEOUT_MINUTES + " min");
    }
    log.text(output);
    if (process.exitValue() != 0) {
      String last = output.strip();
      int cut = last.lastIndexOf('\n');
      last = cut >= 0 ? last.substring(cut + 1) : last;
      throw new CheckoutFailed(
          "git "
              + command.get(command.get(1).equals("-c") ? 3 : 1)
              + " failed: "
              + (last.isEmpty() ? "exit " + process.exitValue() : last));
    }
    return output;
  }
}
