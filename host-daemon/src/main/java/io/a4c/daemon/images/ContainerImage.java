package io.a4c.daemon.images;

import com.github.dockerjava.api.model.Container;
import io.a4c.daemon.docker.ContainerLabels;
import java.util.HashSet;
import java.util.Set;

/**
 * What one container (running or stopped) uses: its image's id and the references it names, the one
 * it was made from and, for an A4C container, the one its label records.
 *
 * @param imageId the engine's id of the container's image; null when the engine did not say
 * @param refs the references the container names
 * @param a4c whether the container is A4C's (labelled {@link ContainerLabels#MANAGED})
 */
public record ContainerImage(String imageId, Set<String> refs, boolean a4c) {
  public ContainerImage {
    refs = Set.copyOf(refs);
  }

  /** The engine's listing of a container. */
  public static ContainerImage of(Container container) {
    Set<String> refs = new HashSet<>();
    if (container.getImage() != null) {
      refs.add(container.getImage());
    }
    var labels = container.getLabels();
    if (labels != null && labels.get(ContainerLabels.IMAGE_REF) != null) {
      refs.add(labels.get(ContainerLabels.IMAGE_REF));
    }
    return new ContainerImage(
        container.getImageId(),
        refs,
        labels != null && "true".equals(labels.get(ContainerLabels.MANAGED)));
  }

  /** Whether this container uses {@code image} (by id) or names {@code ref}. */
  boolean uses(HeldImage image, String ref) {
    return image.id().equals(imageId) || refs.contains(ref);
  }
}
