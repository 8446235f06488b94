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
 * <p>"Newest" is the image's creation time. A rebuild of an older change is made later, though, and
 * workspaces get the build of the furthest change by default: so in each (project, parent, arch)
 * the build with the highest position its labels give ({@link ImageLabels#POSITION}) is kept too,
 * whenever it was made. A pure function; {@link io.a4c.daemon.reconcile.ImageCollector} applies it.
 */
public final class ImageCollection {
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
      Build furthest = furthest(builds);
      for (Build build : builds.subList(Math.min(keepNewest, builds.size()), builds.size())) {
        if (build != furthest
            && containers.stream().noneMatch(c -> c.uses(build.image(), build.ref()))) {
          removable.add(build);
        }
      }
    }
    removable.sort(newestFirst.reversed());
    return removable.stream().map(Build::ref).toList();
  }

  /**
   * The build with the highest labelled position (of those the same, the newest, as {@code
   * newestFirst} sorted them), or null when none has one.
   */
  private static Build furthest(List<Build> newestFirst) {
    Build furthest = null;
    long highest = Long.MIN_VALUE;
    for (Build build : newestFirst) {
      var position = ImageLabels.position(build.image().labels());
      if (position.isPresent() && position.get() > highest) {
        highest = position.get();
        furthest = build;
      }
    }
    return furthest;
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
    String project = image.labels().get(ImageLabels.PROJECT);
    String parent = image.labels().get(ImageLabels.PARENT);
    String arch = image.labels().get(ImageLabels.ARCH);
    if (project == null || parent == null || arch == null || !tag.startsWith(project + "_")) {
      return Optional.empty();
    }
    return Optional.of(new Group(project, parent, arch));
  }

  /** A (project, parent, arch): the builds whose newest ones are kept. */
  record Group(String project, String parent, String arch) {}

  private record Build(String ref, HeldImage image) {}
}
