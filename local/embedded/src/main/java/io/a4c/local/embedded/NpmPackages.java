package io.a4c.local.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a file of an npm package that {@code local/engines.sh install} put under {@code
 * local/<dir>/node_modules}: in the directory a setting names, else {@code local/<dir>} or {@code
 * <dir>} under the working directory or one of its parents (Maven runs a module's tests in the
 * module's directory: {@code local/}, {@code functions/}, {@code local/embedded/}).
 */
public final class NpmPackages {
  private NpmPackages() {}

  /**
   * The file {@code node_modules/<relativePath>} in the first candidate directory that has it.
   *
   * @param explicitDirectory the directory a setting names, or null
   * @param setting the variable that names it, for the message
   * @throws IllegalStateException naming the candidates and how to install it when none has it
   */
  public static Path find(Path explicitDirectory, String dir, String relativePath, String setting) {
    List<Path> candidates = new ArrayList<>();
    if (explicitDirectory != null) {
      candidates.add(explicitDirectory);
    }
    // Up to the clone's root (the first directory holding .git), not beyond it.
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      candidates.add(at.resolve("local").resolve(dir));
      candidates.add(at.resolve(dir));
      if (Files.exists(at.resolve(".git"))) {
        break;
      }
    }
    for (Path candidate : candidates) {
      Path file = candidate.resolve("node_modules").resolve(relativePath);
      if (Files.isRegularFile(file)) {
        return file.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "node_modules/"
            + relativePath
            + " is not installed in "
            + candidates
            + ": run local/engines.sh install (or npm ci --prefix local/"
            + dir
            + "), or set "
            + setting);
  }
}
