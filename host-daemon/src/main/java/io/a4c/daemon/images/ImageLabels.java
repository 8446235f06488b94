package io.a4c.daemon.images;

import io.a4c.events.Arch;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The labels a builder gives every image it builds, and what the host's image collection reads back
 * from them: the build's schedule, its (project, parent, arch) — which a tag shortened with a hash
 * ({@link io.a4c.events.ImageTags}) no longer tells — and its position in the parent's history when
 * the builder knows it (a git commit's count, a Perforce change number), which the engine's
 * creation time does not tell (a rebuild of an older change is made later).
 */
public final class ImageLabels {
  public static final String SCHEDULE_ID = "io.a4c.schedule-id";
  public static final String PROJECT = "io.a4c.project";
  public static final String PARENT = "io.a4c.parent";
  public static final String ARCH = "io.a4c.arch";
  public static final String POSITION = "io.a4c.position";

  private ImageLabels() {}

  /** The labels of a build's image; {@code position} null when unknown (a Perforce head). */
  public static Map<String, String> of(
      String scheduleId, String project, String parent, Arch arch, Long position) {
    var labels = new HashMap<String, String>();
    labels.put(SCHEDULE_ID, scheduleId);
    labels.put(PROJECT, project);
    labels.put(PARENT, parent);
    labels.put(ARCH, arch.wireName());
    if (position != null) {
      labels.put(POSITION, Long.toString(position));
    }
    return Map.copyOf(labels);
  }

  /** The position an image's labels give, if any (images built before the label have none). */
  public static Optional<Long> position(Map<String, String> labels) {
    String value = labels.get(POSITION);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
