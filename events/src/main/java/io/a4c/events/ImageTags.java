package io.a4c.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The tag of a built image in A4C's one repository: {@code <project>_<parent>_<arch>_<change>}.
 * Builders tag with it; the registry's lifecycle rules select a project's images by {@link
 * #projectPrefix}.
 *
 * <p>Project names have no {@code _}, so {@code <project>_} starts the tags of that project and no
 * other. Parents and changes may contain {@code _}, which would let two builds share a tag ({@code
 * a_amd64_b} + {@code c} against {@code a} + {@code b_amd64_c}), and the four names may together
 * exceed Docker's 128 characters. In either case the tag is the plain form, cut to fit, then {@code
 * __} and 16 hex digits of a SHA-256 over the four names: deterministic, still readable from the
 * start, and never equal to a plain tag, which cannot contain {@code __}.
 */
public final class ImageTags {
  /** Docker's limit on a tag's length. */
  public static final int MAX_LENGTH = 128;

  private static final int HASH_HEX_DIGITS = 16;
  private static final String HASH_SEPARATOR = "__";

  private ImageTags() {}

  /**
   * The tag of the image of {@code project} at {@code change} of {@code parent}, for {@code arch}.
   *
   * @throws IllegalArgumentException naming the field when a name breaks its rule
   */
  public static String of(String project, String parent, Arch arch, String change) {
    Names.require("projectName", project, Names.PROJECT_NAME);
    Names.require("parentName", parent, Names.PARENT_NAME);
    Names.require("change", change, Names.CHANGE);
    String plain = projectPrefix(project) + parent + "_" + arch.wireName() + "_" + change;
    if (plain.length() <= MAX_LENGTH && parent.indexOf('_') < 0 && change.indexOf('_') < 0) {
      return plain;
    }
    int keep = Math.min(plain.length(), MAX_LENGTH - HASH_SEPARATOR.length() - HASH_HEX_DIGITS);
    return plain.substring(0, keep)
        + HASH_SEPARATOR
        + hash(project, parent, arch.wireName(), change);
  }

  /** What every tag of {@code project}'s images starts with, and no other project's. */
  public static String projectPrefix(String project) {
    return Names.require("projectName", project, Names.PROJECT_NAME) + "_";
  }

  private static String hash(String... names) {
    try {
      // A newline is in no name, so the four names are read back from the input unambiguously.
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(String.join("\n", names).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
