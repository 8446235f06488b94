package io.a4c.daemon.images;

import com.github.dockerjava.api.model.Image;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An image on the host's engine, as the image selections read it: the engine's list, reduced to
 * what they need, so the selections are pure functions a test feeds by hand.
 *
 * @param id the engine's image id ({@code sha256:…}), which containers name too
 * @param tags the references tagged on it ({@code repository:tag}), without {@code <none>}
 * @param createdEpochSeconds when the image was built, as the engine says
 * @param labels the image's labels (a build's name its project, parent and arch)
 */
public record HeldImage(
    String id, List<String> tags, long createdEpochSeconds, Map<String, String> labels) {
  public HeldImage {
    Objects.requireNonNull(id, "id");
    tags = List.copyOf(tags);
    labels = Map.copyOf(labels);
  }

  /** The engine's listing of an image. */
  public static HeldImage of(Image image) {
    return new HeldImage(
        image.getId(),
        image.getRepoTags() == null
            ? List.of()
            : Stream.of(image.getRepoTags()).filter(t -> !t.startsWith("<none>")).toList(),
        Objects.requireNonNullElse(image.getCreated(), 0L),
        image.getLabels() == null ? Map.of() : image.getLabels());
  }
}
