package io.a4c.daemon.builds;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a build context as the tar the engine receives, keeping each file's permission bits.
 * docker-java's own archiver gives every file 0644 (0755 if executable) and every directory 0755,
 * so a checkout made group-writable for the workspace's group would lose it; {@code COPY} keeps the
 * modes it is given. Symbolic links stay links; owners are root (the Dockerfile's {@code COPY
 * --chown} sets them). Paths listed as excluded (relative, e.g. {@code sources/src/.git}) are left
 * out with all they hold.
 */
final class ContextArchive {
  private ContextArchive() {}

  /** Writes {@code context}'s tree, minus {@code excluded}, to {@code out} (left open). */
  static void write(Path context, Set<String> excluded, OutputStream out) throws IOException {
    var tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    Files.walkFileTree(
        context,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            String name = nameOf(context, dir);
            if (excluded.contains(name)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (!name.isEmpty()) {
              add(tar, dir, name + "/", TarConstants.LF_DIR, null);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = nameOf(context, file);
            if (excluded.contains(name)) {
              return FileVisitResult.CONTINUE;
            }
            if (attrs.isSymbolicLink()) {
              add(tar, file, name, TarConstants.LF_SYMLINK, null);
            } else if (attrs.isRegularFile()) {
              add(tar, file, name, TarConstants.LF_NORMAL, attrs);
            }
            // Sockets, fifos and devices have no place in a build context: left out.
            return FileVisitResult.CONTINUE;
          }
        });
    tar.finish();
  }

  private static String nameOf(Path context, Path path) {
    return context.relativize(path).toString().replace('\\', '/');
  }

  private static void add(
      TarArchiveOutputStream tar, Path path, String name, byte type, BasicFileAttributes attrs)
      throws IOException {
    var entry = new TarArchiveEntry(name, type);
    if (type == TarConstants.LF_SYMLINK) {
      entry.setLinkName(Files.readSymbolicLink(path).toString());
      entry.setMode(0120777);
    } else {
      int kind = type == TarConstants.LF_DIR ? 0040000 : 0100000;
      entry.setMode(kind | mode(path));
      entry.setModTime(Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS));
    }
    entry.setIds(0, 0);
    if (attrs != null) {
      entry.setSize(attrs.size());
    }
    tar.putArchiveEntry(entry);
    if (attrs != null) {
      Files.copy(path, tar);
    }
    tar.closeArchiveEntry();
  }

  /** The permission bits (rwx for owner, group, others) of {@code path}. */
  private static int mode(Path path) throws IOException {
    Set<PosixFilePermission> permissions =
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return mode;
  }
}
