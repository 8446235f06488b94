package io.a4c.daemon.images;

import io.a4c.daemon.registry.ImageRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which images a host's garbage collection removes: references in the configured repository (the
 * builds' images, {@code <repository>:<project>_<parent>_<arch>_<change>}) that no container on the
 * engine uses, running or stopped, and that are not among the newest {@code keepNewest} builds of
 * their (project, parent, arch). Nothing outside the repository (bases such as {@code a4c-base:*},
 * anything else on the engine) is ever chosen, nor a reference whose (project, parent, arch) cannot
 * be told: a plain tag names them; a tag shortened with a hash (see {@link
 * io.a4c.events.ImageTags}) is placed by the labels the builder gives every image.
 *
 * <p>"Newest" is the image's creation time: the host cannot order changes (git commits), and a
 * build of a later change is made later. A pure function; {@link
 * io.a4c.daemon.reconcile.ImageCollector} applies it.
 */
public final class ImageCollection {
  static final String PROJECT_LABEL = "io.a4c.project";
  static final String PARENT_LABEL = "io.a4c.parent";
  static final String ARCH_LABEL = "io.a4c.arch";

  private ImageCollection() {}

  /**
   * The references to remove, oldest first.
   *
   * @param containers every container on the engine, A4C's or not
   */
  public static List<String> removable(
      List<HeldImage> images,
      List<ContainerImage> containers,
      ImageRepository repository,
      int keepNewest) {
    String prefix = repository + ":";
    Map<Group, List<Build>> groups = new HashMap<>();
    for (HeldImage image : images) {
      for (String ref : image.tags()) {
        if (!ref.startsWith(prefix)) {
          continue;
        }
        String tag = ref.substring(prefix.length());
        group(tag, image)
            .ifPresent(
                g -> groups.computeIfAbsent(g, k -> new ArrayList<>()).add(new Build(ref, image)));
      }
    }
    var newestFirst =
        Comparator.comparingLong((Build b) -> b.image().createdEpochSeconds())
            .reversed()
            .thenComparing(Build::ref, Comparator.reverseOrder());
    List<Build> removable = new ArrayList<>();
    for (List<Build> builds : groups.values()) {
      builds.sort(newestFirst);
      for (Build build : builds.subList(Math.min(keepNewest, builds.size()), builds.size())) {
        if (containers.stream().noneMatch(c -> c.uses(build.image(), build.ref()))) {
          removable.add(build);
        }
      }
    }
    removable.sort(newestFirst.reversed());
    return removable.stream().map(Build::ref).toList();
  }

  /**
   * The (project, parent, arch) of a build's tag: from the tag itself when it is plain ({@code
   * <project>_<parent>_<arch>_<change>}, none of them holding {@code _}), else from the image's
   * labels; empty when neither tells.
   */
  static Optional<Group> group(String tag, HeldImage image) {
    String[] parts = tag.split("_", -1);
    if (parts.length == 4 && !tag.contains("__")) {
      return Optional.of(new Group(parts[0], parts[1], parts[2]));
    }
    String project = image.labels().get(PROJECT_LABEL);
    String parent = image.labels().get(PARENT_LABEL);
    String arch = image.labels().get(ARCH_LABEL);
    if (project == null || parent == null || arch == null || !tag.startsWith(project + "_")) {
      return Optional.empty();
    }
    return Optional.of(new Group(project, parent, arch));
  }

  /** A (project, parent, arch): the builds whose newest ones are kept. */
  record Group(String project, String parent, String arch) {}

  private record Build(String ref, HeldImage image) {}
}
