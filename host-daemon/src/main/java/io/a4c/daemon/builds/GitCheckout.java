package io.a4c.daemon.builds;

import io.a4c.events.Names;
import io.a4c.events.Redaction;
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
 * a shell, after their rules. The URL's credentials (a {@code user:token@} in it) are masked with
 * {@link Redaction} in the commands and output it logs and in its failure messages. Needs {@code
 * git} on the builder host. Thread-safe.
 */
@Singleton
public final class GitCheckout {
  private static final long TIMEOUT_MINUTES = 15;

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

  @javax.inject.Inject
  public GitCheckout() {}

  /**
   * Clones {@code url} into {@code dir} and checks out {@code change}, or the parent branch's
   * newest commit when {@code change} is null.
   *
   * @return the full commit id checked out
   */
  public String checkout(String url, String parent, String change, Path dir, BuildLog log)
      throws CheckoutFailed, InterruptedException {
    Names.require("source.url", url, Names.GIT_URL);
    Names.require("parentName", parent, Names.PARENT_NAME);
    String target =
        change == null ? "origin/" + parent : Names.require("change", change, Names.CHANGE);
    run(
        log,
        List.of("git", "clone", "--quiet", "--no-checkout", "--", url, dir.toString()),
        null,
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
        url);
    String commit = run(log, List.of("git", "rev-parse", "HEAD"), dir, url).strip();
    log.line("checked out " + commit);
    try {
      makeGroupWritable(dir);
    } catch (IOException e) {
      throw new CheckoutFailed("could not make the checkout group-writable: " + e.getMessage());
    }
    return commit;
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
  private static String run(BuildLog log, List<String> command, Path dir, String url)
      throws CheckoutFailed, InterruptedException {
    log.line(Redaction.text("$ " + String.join(" ", command), url));
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
    log.text(Redaction.text(output, url));
    if (process.exitValue() != 0) {
      String last = Redaction.text(output, url).strip();
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
