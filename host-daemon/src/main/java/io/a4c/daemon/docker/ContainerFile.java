package io.a4c.daemon.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A file or directory to put into a container, with its owner and mode.
 *
 * @param path absolute path in the container
 * @param content the file's bytes; null for a directory
 */
public record ContainerFile(String path, byte[] content, int mode, int uid, int gid) {
  /** A root-owned file. */
  public static ContainerFile file(String path, String text, int mode) {
    return new ContainerFile(path, text.getBytes(StandardCharsets.UTF_8), mode, 0, 0);
  }

  /** A directory. */
  public static ContainerFile directory(String path, int mode, int uid, int gid) {
    return new ContainerFile(path, null, mode, uid, gid);
  }

  /**
   * The files as one tar archive, in their order, with paths relative to {@code /}, owners and
   * modes: what the engine's archive API and {@code tar -x -C /} both extract.
   */
  public static byte[] tar(List<ContainerFile> files) {
    var archive = new ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(archive)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (ContainerFile file : files) {
        String name = file.path().substring(1) + (file.isDirectory() ? "/" : "");
        var entry = new TarArchiveEntry(name);
        entry.setMode((file.isDirectory() ? 040000 : 0100000) | file.mode());
        entry.setUserId(file.uid());
        entry.setGroupId(file.gid());
        if (!file.isDirectory()) {
          entry.setSize(file.content().length);
        }
        tar.putArchiveEntry(entry);
        if (!file.isDirectory()) {
          tar.write(file.content());
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not make the archive", e);
    }
    return archive.toByteArray();
  }

  public boolean isDirectory() {
    return content == null;
  }

  @Override
  public String toString() {
    return "ContainerFile[" + path + "]"; // never the content: it may be a private key
  }
}
