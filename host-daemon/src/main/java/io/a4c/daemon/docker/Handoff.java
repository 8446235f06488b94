package io.a4c.daemon.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.a4c.daemon.config.DaemonConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How A4C hands a container its files (the user's login, sshd's files, host key, keys, owner)
 * without the engine's archive API, which mounts the container's file system for each call (100–250
 * ms here): a directory of the daemon's per workspace ({@code <dataDir>/handoff/<workspaceId>},
 * mode 0700), bind-mounted read-only at {@link #TARGET}, which the container's init ({@link
 * io.a4c.daemon.ssh.SshdConfig#INIT_SCRIPT}) reads.
 *
 * <ul>
 *   <li>A create writes the files as one archive ({@link #FILES}) before the container starts; the
 *       init extracts it before anything else runs, then starts sshd.
 *   <li>A warm pool member's directory holds a FIFO ({@link #CLAIM}) instead; the member's init
 *       waits on it in the background, and a claim streams the archive into it ({@link #deliver}):
 *       the member extracts it and starts sshd at once, with no engine call.
 * </ul>
 *
 * Every archive ends with {@link #DONE}, so a later start of the container extracts nothing again
 * (the user may have changed the account files since). The directory goes with its container
 * ({@link DockerWorkspaceRuntime#remove}); one left by a crash before its container was made is
 * swept ({@link #sweep}). Where the directory cannot be made (the daemon may not write its data
 * directory), {@link #mount} is empty and the caller writes through the archive API as before.
 */
@Singleton
public final class Handoff {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  /** Where the directory is mounted in the container. */
  public static final String TARGET = "/run/a4c-handoff";

  /** The archive a create leaves for the container's first start. */
  public static final String FILES = "files.tar";

  /** The FIFO a warm pool member's init waits on. */
  public static final String CLAIM = "claim";

  /** In the container, the last file of every handed-off archive. */
  public static final String DONE = "/etc/a4c/handoff-done";

  /** How long a claim waits for the member's init to open {@link #CLAIM}. */
  static final Duration READER_WAIT = Duration.ofSeconds(2);

  /** How old an orphaned directory must be before {@link #sweep} removes it. */
  static final Duration ORPHAN_AGE = Duration.ofMinutes(10);

  private final Path root;

  @Inject
  public Handoff(DaemonConfig config) {
    this(config.dataDir());
  }

  /** The handoff of a daemon whose data directory is {@code dataDir}. */
  public Handoff(Path dataDir) {
    this.root = dataDir.resolve("handoff");
  }

  /**
   * Makes the workspace's directory anew (empty; with the {@link #CLAIM} FIFO for a warm pool
   * member) and returns the read-only bind mount of it, or empty when it could not be made.
   */
  public Optional<Mount> mount(String workspaceId, boolean poolMember) {
    Path dir = dir(workspaceId);
    try {
      remove(workspaceId);
      Files.createDirectories(root);
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (poolMember) {
        mkfifo(dir.resolve(CLAIM));
      }
    } catch (IOException | UncheckedIOException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspaceId)
          .log("no handoff directory ({}): files go through the engine", e.getMessage());
      return Optional.empty();
    }
    return Optional.of(
        new Mount()
            .withType(MountType.BIND)
            .withSource(dir.toString())
            .withTarget(TARGET)
            .withReadOnly(true));
  }

  /** Whether the container was made with a handoff directory (its mounts, as the engine lists). */
  public static boolean mounted(Container container) {
    return container.getMounts() != null
        && container.getMounts().stream().anyMatch(m -> TARGET.equals(m.getDestination()));
  }

  /**
   * Leaves the files for the container's first start, ending with {@link #DONE}. Written under
   * another name and moved into place, so the init sees the whole archive or none.
   */
  public void leave(String workspaceId, List<ContainerFile> files) {
    Path dir = dir(workspaceId);
    try {
      Path part = dir.resolve(FILES + ".part");
      Files.write(part, ContainerFile.tar(withDone(files)));
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
      Files.move(part, dir.resolve(FILES), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StepFailure("could not hand the container its files: " + e.getMessage(), true, e);
    }
  }

  /**
   * Streams the files, ending with {@link #DONE}, into the running pool member's {@link #CLAIM}
   * FIFO, which its init reads and extracts before it starts sshd.
   *
   * @return false when the member has no such FIFO or nothing read it within {@link #READER_WAIT}
   *     (its init is gone): the caller writes through the engine instead
   */
  public boolean deliver(String workspaceId, List<ContainerFile> files)
      throws InterruptedException {
    Path fifo = dir(workspaceId).resolve(CLAIM);
    if (!Files.exists(fifo)) {
      return false;
    }
    byte[] archive = ContainerFile.tar(withDone(files));
    // Opening a FIFO to write blocks until a reader opens it: on a thread of its own, with a wait.
    var write =
        new FutureTask<Void>(
            () -> {
              try (var out = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                var buffer = ByteBuffer.wrap(archive);
                while (buffer.hasRemaining()) {
                  out.write(buffer);
                }
              }
              return null;
            });
    Thread.ofPlatform().daemon().name("handoff-" + workspaceId).start(write);
    try {
      write.get(READER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      // Open it ourselves so the blocked writer's open returns, then close it: the writer fails
      // (or fills the pipe for nobody) and the claim goes the engine's way. Read and write: on
      // Linux that open never blocks, even if the writer finished meanwhile (a read-only open
      // would then wait for a writer for good).
      try (var unblock =
          FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        // nothing to do but close it
      } catch (IOException ignored) {
        // the FIFO is gone: so is the writer's reason to wait
      }
      try {
        write.get(READER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
        // the writer failed, or is stuck on a pipe nobody reads: its thread is a daemon's
      }
      return false;
    } catch (ExecutionException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspaceId)
          .log("handoff to the pool member failed ({})", e.getCause().toString());
      return false;
    }
  }

  /**
   * Removes the archive a create left (it holds the workspace's private host key) once the
   * container's sshd listens: its init extracted it, and every later start skips it ({@link
   * #DONE}). A failure is logged, not thrown: the file goes with the directory when the container
   * is removed.
   */
  public void taken(String workspaceId) {
    try {
      Files.deleteIfExists(dir(workspaceId).resolve(FILES));
    } catch (IOException e) {
      log.atWarn()
          .addKeyValue("workspaceId", workspaceId)
          .log("could not remove the handed-off archive ({})", e.getMessage());
    }
  }

  /** Whether the workspace's directory exists: its container was made with the mount. */
  public boolean made(String workspaceId) {
    return Files.isDirectory(dir(workspaceId));
  }

  /** Removes the workspace's directory, if any. Idempotent. */
  public void remove(String workspaceId) {
    delete(dir(workspaceId));
  }

  /**
   * Removes the directories older than {@link #ORPHAN_AGE} of workspaces that have no container
   * here (a daemon that crashed between making one and its container); younger ones may belong to a
   * create under way.
   */
  public void sweep(Set<String> workspacesWithContainers, Instant now) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        String workspaceId = dir.getFileName().toString();
        FileTime modified = Files.getLastModifiedTime(dir);
        if (!workspacesWithContainers.contains(workspaceId)
            && modified.toInstant().isBefore(now.minus(ORPHAN_AGE))) {
          delete(dir);
          log.atInfo().addKeyValue("workspaceId", workspaceId).log("orphaned handoff removed");
        }
      }
    } catch (IOException e) {
      log.atWarn().log("could not sweep the handoff directories: {}", e.getMessage());
    }
  }

  Path dir(String workspaceId) {
    if (!workspaceId.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a workspace id: " + workspaceId);
    }
    return root.resolve(workspaceId);
  }

  /**
   * The files followed by {@link #DONE}: what every archive for a container with a handoff ends
   * with, whichever way it goes in, so a later start's init neither extracts nor waits again.
   */
  public static List<ContainerFile> withDone(List<ContainerFile> files) {
    var all = new java.util.ArrayList<>(files);
    all.add(ContainerFile.directory("/etc/a4c", 0755, 0, 0));
    all.add(ContainerFile.file(DONE, "", 0644));
    return all;
  }

  private static void mkfifo(Path path) throws IOException {
    var process =
        new ProcessBuilder("mkfifo", "-m", "0600", path.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(process.getInputStream().readAllBytes()).strip();
      if (process.waitFor() != 0) {
        throw new IOException("mkfifo: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making the FIFO", e);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
