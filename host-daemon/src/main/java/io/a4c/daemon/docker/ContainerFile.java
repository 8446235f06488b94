package io.a4c.daemon.docker;

import java.nio.charset.StandardCharsets;

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

  public boolean isDirectory() {
    return content == null;
  }

  @Override
  public String toString() {
    return "ContainerFile[" + path + "]"; // never the content: it may be a private key
  }
}
