package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.a4c.daemon.config.DaemonConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real git repository on disk, cloned and checked out by the builder's checkout. */
class GitCheckoutTest {
  @TempDir Path dir;

  /** A checkout as a builder's, git at the default niceness. */
  static GitCheckout gitCheckout() {
    return new GitCheckout(
        GitCheckout.DEFAULT_TIMEOUT, LowPriority.of(DaemonConfig.Builder.DEFAULT_NICE));
  }

  static String git(Path where, String... args) throws Exception {
    var command =
        new java.util.ArrayList<>(
            List.of("git", "-c", "user.name=a4c", "-c", "user.email=a4c@example.com"));
    command.addAll(List.of(args));
    var process =
        new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(out).isZero();
    return out.strip();
  }

  @Test
  void checksOutTheNamedChangeOrTheParentsNewestCommit() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    Files.writeString(repo.resolve("VERSION"), "one\n");
    git(repo, "add", "VERSION");
    git(repo, "commit", "--quiet", "-m", "one");
    String first = git(repo, "rev-parse", "HEAD");
    Files.writeString(repo.resolve("VERSION"), "two\n");
    git(repo, "commit", "--quiet", "-am", "two");
    String second = git(repo, "rev-parse", "HEAD");

    var checkout = gitCheckout();
    var log = new BuildLog(64 * 1024);
    var atFirst =
        checkout.checkout("file://" + repo, "main", first.substring(0, 10), dir.resolve("a"), log);
    var newest = checkout.checkout("file://" + repo, "main", null, dir.resolve("b"), log);

    assertThat(atFirst).isEqualTo(new GitCheckout.Checkout(first, 1));
    assertThat(Files.readString(dir.resolve("a/VERSION"))).isEqualTo("one\n");
    assertThat(newest).isEqualTo(new GitCheckout.Checkout(second, 2));
    assertThat(Files.readString(dir.resolve("b/VERSION"))).isEqualTo("two\n");
    assertThat(log.text()).contains("$ git clone --quiet --no-checkout -- file://" + repo);
  }

  @Test
  void theCheckoutIsGroupWritableButItsGitDirectoryIsLeftAsGitMadeIt() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    Files.createDirectories(repo.resolve("lib"));
    Files.writeString(repo.resolve("lib/a.c"), "int a;\n");
    git(repo, "add", "lib/a.c");
    git(repo, "commit", "--quiet", "-m", "one");

    Path out = dir.resolve("out");
    gitCheckout().checkout("file://" + repo, "main", null, out, new BuildLog(64 * 1024));

    for (Path path : List.of(out, out.resolve("lib"), out.resolve("lib/a.c"))) {
      assertThat(Files.getPosixFilePermissions(path))
          .as(path.toString())
          .contains(PosixFilePermission.GROUP_WRITE);
    }
    assertThat(Files.getPosixFilePermissions(out.resolve(".git/HEAD")))
        .doesNotContain(PosixFilePermission.GROUP_WRITE);
  }

  @Test
  void aChangeNotReachableFromTheParentBranchIsNotBuilt() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    Files.writeString(repo.resolve("f"), "main\n");
    git(repo, "add", "f");
    git(repo, "commit", "--quiet", "-m", "main");
    git(repo, "checkout", "--quiet", "-b", "unmerged");
    Files.writeString(repo.resolve("f"), "evil\n");
    git(repo, "commit", "--quiet", "-am", "not on main");
    String unmerged = git(repo, "rev-parse", "HEAD");
    git(repo, "checkout", "--quiet", "main");
    var checkout = gitCheckout();

    assertThatThrownBy(
            () ->
                checkout.checkout(
                    "file://" + repo,
                    "main",
                    unmerged.substring(0, 12),
                    dir.resolve("c"),
                    new BuildLog(64 * 1024)))
        .isInstanceOf(GitCheckout.CheckoutFailed.class)
        .hasMessageContaining(
            "change " + unmerged.substring(0, 12) + " is not on parent branch main");
    // The same commit is built for the parent it belongs to.
    assertThat(
            checkout
                .checkout(
                    "file://" + repo,
                    "unmerged",
                    unmerged.substring(0, 12),
                    dir.resolve("d"),
                    new BuildLog(64 * 1024))
                .commit())
        .isEqualTo(unmerged);
  }

  @Test
  void anUnknownChangeIsAFailureThatSaysSo() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "--quiet", "--initial-branch=main");
    Files.writeString(repo.resolve("f"), "x");
    git(repo, "add", "f");
    git(repo, "commit", "--quiet", "-m", "x");

    assertThatThrownBy(
            () ->
                gitCheckout()
                    .checkout(
                        "file://" + repo,
                        "main",
                        "no-such-rev",
                        dir.resolve("c"),
                        new BuildLog(64 * 1024)))
        .isInstanceOf(GitCheckout.CheckoutFailed.class)
        .hasMessageContaining("git checkout failed");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aCloneFromAServerThatNeverAnswersIsStoppedAtTheDeadline() throws Exception {
    try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = holdEveryConnection(server);
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/stalled.git";
      var log = new BuildLog(64 * 1024);

      assertThatThrownBy(
              () ->
                  new GitCheckout(
                          Duration.ofSeconds(2), LowPriority.of(DaemonConfig.Builder.DEFAULT_NICE))
                      .checkout(url, "main", null, dir.resolve("c"), log))
          .isInstanceOf(GitCheckout.CheckoutFailed.class)
          .hasMessage("git clone did not finish within the checkout's 2 s; stopped");

      // git and its remote helper are gone, not left hanging on the connection.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  ProcessHandle.current()
                      .descendants()
                      .noneMatch(
                          p -> p.isAlive() && p.info().commandLine().orElse("").contains(url)));
      assertThat(held).isNotEmpty();
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void gitRunsAtTheBuildersNicenessAndLowestIoPriorityAndZeroLeavesItsPriorityAlone()
      throws Exception {
    try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = holdEveryConnection(server);
      String ownIoPriority = ionice(ProcessHandle.current().pid());
      for (int niceness : List.of(DaemonConfig.Builder.DEFAULT_NICE, 0)) {
        String url = "http://127.0.0.1:" + server.getLocalPort() + "/nice-" + niceness + ".git";
        int[] callerNice = {-1};
        Thread caller =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        callerNice[0] = nice(Files.readString(Path.of("/proc/thread-self/stat")));
                        new GitCheckout(Duration.ofSeconds(5), LowPriority.of(niceness))
                            .checkout(
                                url,
                                "main",
                                null,
                                dir.resolve("n" + niceness),
                                new BuildLog(64 * 1024));
                      } catch (GitCheckout.CheckoutFailed | InterruptedException | IOException e) {
                        // stopped at the deadline, as expected
                      }
                    });

        // The daemon's own child is git itself (nice and ionice exec it): the kill reaches git.
        ProcessHandle git =
            await()
                .atMost(Duration.ofSeconds(20))
                .until(
                    () ->
                        ProcessHandle.current()
                            .children()
                            .filter(p -> p.info().commandLine().orElse("").contains(url))
                            .filter(p -> stat(p).startsWith(p.pid() + " (git) "))
                            .findFirst(),
                    java.util.Optional::isPresent)
                .orElseThrow();
        String stat = stat(git);
        String ioPriority = ionice(git.pid());
        caller.join();

        assertThat(nice(stat))
            .as("git's niceness at A4C_BUILD_NICE=" + niceness)
            .isEqualTo(Math.min(19, callerNice[0] + niceness));
        if (niceness > 0) {
          assertThat(ioPriority).isEqualTo("best-effort: prio 7");
        } else {
          assertThat(ioPriority).isEqualTo(ownIoPriority);
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !git.isAlive()); // killed at the deadline
      }
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  private static String stat(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    } catch (IOException e) {
      return ""; // ended meanwhile
    }
  }

  /** Field 19 of a {@code /proc/<pid>/stat} line: the niceness. */
  private static int nice(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[19 - 3]);
  }

  private static String ionice(long pid) throws Exception {
    var process = new ProcessBuilder("ionice", "-p", Long.toString(pid)).start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor()).isZero();
    return out;
  }

  /**
   * Accepts every connection to {@code server} and holds it, reading nothing and answering nothing:
   * a git server that stalls, so a clone hangs until its deadline and its git can be looked at.
   */
  private static List<Socket> holdEveryConnection(ServerSocket server) {
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  held.add(server.accept());
                } catch (IOException e) {
                  return;
                }
              }
            });
    return held;
  }
}
