package io.a4c.daemon.images;

import io.a4c.daemon.registry.ImageRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The image references a heartbeat carries: at most {@link #MAX} of what the host holds, chosen as
 * what placement asks about, so a host with thousands of tags still sends a heartbeat far below
 * SQS's 256 KiB and DynamoDB's 400 KB item (500 references of Docker's longest, 255 characters, are
 * about 130 KB of JSON).
 *
 * <p>Placement asks whether a host holds a workspace's image. For an image with no registry in its
 * name (a base such as {@code a4c-base:busybox} an admin registered) a host that does not report it
 * is never chosen; for a registry image (a build's) it is only chosen after the hosts that report
 * it, and pulls the image first. So when a host holds more than {@code MAX} references they are
 * taken in this order, each class newest image first:
 *
 * <ol>
 *   <li>the images A4C containers (running or stopped) use: a rebuild or a placement next to them
 *       asks for exactly these;
 *   <li>references with no registry, which no host can pull;
 *   <li>references in the configured repository (builds' images);
 *   <li>any other registry's references.
 * </ol>
 *
 * A reference left out costs at most a pull on a host that had it, never a refused placement,
 * unless a host holds more than {@code MAX} images that no registry serves.
 */
public final class HeartbeatImages {
  /** The most references one heartbeat carries. */
  public static final int MAX = 500;

  private HeartbeatImages() {}

  /**
   * The references to report, sorted by name: at most {@code max} of {@code images}' tags, chosen
   * by the order above.
   */
  public static List<String> select(
      List<HeldImage> images,
      List<ContainerImage> containers,
      Optional<ImageRepository> repository,
      int max) {
    var a4c = containers.stream().filter(ContainerImage::a4c).toList();
    String repositoryPrefix = repository.map(r -> r + ":").orElse(null);
    List<Candidate> candidates = new ArrayList<>();
    for (HeldImage image : images) {
      for (String tag : image.tags()) {
        boolean used = a4c.stream().anyMatch(c -> c.uses(image, tag));
        int rank;
        if (used) {
          rank = 0;
        } else if (ImageRepository.registryOf(tag).isEmpty()) {
          rank = 1;
        } else if (repositoryPrefix != null && tag.startsWith(repositoryPrefix)) {
          rank = 2;
        } else {
          rank = 3;
        }
        candidates.add(new Candidate(tag, rank, image.createdEpochSeconds()));
      }
    }
    return candidates.stream()
        .sorted(
            Comparator.comparingInt(Candidate::rank)
                .thenComparing(Comparator.comparingLong(Candidate::created).reversed())
                .thenComparing(Candidate::ref))
        .map(Candidate::ref)
        .distinct()
        .limit(max)
        .sorted()
        .toList();
  }

  private record Candidate(String ref, int rank, long created) {}
}
