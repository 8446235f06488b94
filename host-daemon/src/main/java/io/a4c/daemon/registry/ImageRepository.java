package io.a4c.daemon.registry;

import io.a4c.events.Arch;
import io.a4c.events.ImageTags;
import io.a4c.events.Names;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one repository builders push to and hosts pull from, {@code host[:port]/path}: locally {@code
 * 10.250.0.1:5000/a4c-images}, in AWS the stack's {@code ImageRepositoryUri}. Every built image is
 * {@code <repository>:<tag>} with the tag from {@link ImageTags}.
 *
 * @param registry the registry's {@code host[:port]}, whose credentials a push or pull sends
 * @param path the repository's path in that registry
 */
public record ImageRepository(String registry, String path) {
  private static final Pattern REGISTRY =
      Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?");
  private static final Pattern PATH =
      Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");

  /** Room for {@code :} and the longest tag within a reference's 255 characters. */
  static final int MAX_LENGTH = 255 - 1 - ImageTags.MAX_LENGTH;

  public ImageRepository {
    if (registry == null || !REGISTRY.matcher(registry).matches() || !isRegistryHost(registry)) {
      throw new IllegalArgumentException(
          "the registry must be host[:port] with a . or : in it, was " + registry);
    }
    if (path == null || !PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "the repository path must be lowercase letters, digits and . _ - / separators, was "
              + path);
    }
    if (registry.length() + 1 + path.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the repository must be at most " + MAX_LENGTH + " characters");
    }
  }

  /**
   * Parses {@code host[:port]/path}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static ImageRepository parse(String uri) {
    int slash = uri == null ? -1 : uri.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("the repository must be host[:port]/path, was " + uri);
    }
    return new ImageRepository(uri.substring(0, slash), uri.substring(slash + 1));
  }

  /**
   * The reference of a build's image: {@code <registry>/<path>:<project>_<parent>_<arch>_<change>}.
   */
  public String imageRef(String project, String parent, Arch arch, String change) {
    return Names.require(
        "imageRef", this + ":" + ImageTags.of(project, parent, arch, change), Names.IMAGE_REF);
  }

  /**
   * The registry an image reference names, as Docker reads it: the part before the first {@code /}
   * when it has a {@code .} or {@code :} or is {@code localhost}; empty for Docker Hub's images.
   */
  public static Optional<String> registryOf(String imageRef) {
    int slash = imageRef.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String first = imageRef.substring(0, slash);
    return isRegistryHost(first) ? Optional.of(first) : Optional.empty();
  }

  private static boolean isRegistryHost(String first) {
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** {@code host[:port]/path}, as the daemon's setting spells it. */
  @Override
  public String toString() {
    return registry + "/" + path;
  }
}
