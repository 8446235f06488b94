package io.a4c.daemon.builds;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the builder starts its own child processes (git, and whatever git starts: its remote helpers,
 * {@code ssh}, {@code index-pack}) at a low CPU and I/O priority, so that a build burst on a host
 * leaves its workspaces and its daemon the CPU and disk: the command is prefixed with {@code nice
 * -n <niceness>} (coreutils) and {@code ionice -t -c 2 -n 7} (util-linux: best-effort class, its
 * lowest level; {@code -t} runs the command even where the I/O priority cannot be set). Both tools
 * {@code exec} the command, so the process started is the command itself, not a wrapper: killing it
 * kills the command. Tools missing from the host's {@code PATH} are left out (and said once in the
 * log); a niceness of 0 leaves the command as it is.
 *
 * <p>The build steps themselves run in the engine's containers under their own CPU weight ({@code
 * A4C_BUILD_CPU_SHARES}); this covers what runs outside them, on the host.
 *
 * @param prefix what comes before each command; empty for none
 */
public record LowPriority(List<String> prefix) {
  private static final Logger log = LoggerFactory.getLogger(LowPriority.class);

  /** Commands run as they are, at the daemon's own priority. */
  public static final LowPriority NONE = new LowPriority(List.of());

  public LowPriority {
    prefix = List.copyOf(prefix);
  }

  /**
   * The prefix for {@code niceness} (0 to 19; 0: none), with the {@code nice} and {@code ionice}
   * found on the daemon's {@code PATH}.
   */
  public static LowPriority of(int niceness) {
    return of(niceness, System.getenv("PATH"));
  }

  /** As {@link #of(int)}, looking for the tools on {@code path} (a {@code PATH} value). */
  static LowPriority of(int niceness, String path) {
    if (niceness < 0 || niceness > 19) {
      throw new IllegalArgumentException("niceness must be from 0 to 19, was " + niceness);
    }
    if (niceness == 0) {
      return NONE;
    }
    var prefix = new ArrayList<String>();
    Optional<Path> nice = find("nice", path);
    Optional<Path> ionice = find("ionice", path);
    nice.ifPresent(
        tool -> prefix.addAll(List.of(tool.toString(), "-n", Integer.toString(niceness))));
    ionice.ifPresent(tool -> prefix.addAll(List.of(tool.toString(), "-t", "-c", "2", "-n", "7")));
    var missing = new ArrayList<String>();
    if (nice.isEmpty()) {
      missing.add("nice (CPU)");
    }
    if (ionice.isEmpty()) {
      missing.add("ionice (I/O)");
    }
    if (!missing.isEmpty()) {
      log.atWarn()
          .addKeyValue("missing", String.join(", ", missing))
          .log("A4C_BUILD_NICE: the builder's git runs without the priority of a tool not on PATH");
    }
    return new LowPriority(prefix);
  }

  /** {@code command} run at this priority. */
  public List<String> command(List<String> command) {
    if (prefix.isEmpty()) {
      return command;
    }
    var wrapped = new ArrayList<>(prefix);
    wrapped.addAll(command);
    return List.copyOf(wrapped);
  }

  private static Optional<Path> find(String tool, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
