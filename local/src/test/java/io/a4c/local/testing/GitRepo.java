package io.a4c.local.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real git repository on this machine, served to builds by its {@code file://} URL: the builder
 * (in this process) clones it as it would clone over the network.
 */
public final class GitRepo {
  private final Path dir;

  private GitRepo(Path dir) {
    this.dir = dir;
  }

  /** A new repository with branch {@code main} and no commits. */
  public static GitRepo create() {
    try {
      Path dir = Files.createTempDirectory("a4c-git");
      var repo = new GitRepo(dir);
      repo.git("init", "--quiet", "--initial-branch=main");
      return repo;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code file} and commits it; returns the commit id. */
  public String commit(String file, String content) {
    try {
      Files.createDirectories(dir.resolve(file).getParent());
      Files.writeString(dir.resolve(file), content);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    git("add", file);
    git("commit", "--quiet", "-m", "write " + file);
    return git("rev-parse", "HEAD");
  }

  public String url() {
    return "file://" + dir;
  }

  private String git(String... args) {
    var command =
        new ArrayList<>(
            List.of("git", "-c", "user.name=a4c-test", "-c", "user.email=test@a4c.local"));
    command.addAll(List.of(args));
    try {
      var process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).strip();
      assertThat(process.waitFor()).as(out).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
