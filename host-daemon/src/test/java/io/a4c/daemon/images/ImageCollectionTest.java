package io.a4c.daemon.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.registry.ImageRepository;
import io.a4c.events.Arch;
import io.a4c.events.ImageTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The image collection's choice: the repository's builds beyond the newest N of their (project,
 * parent, arch) that no container uses; never anything outside the repository, never an image a
 * container uses, never a build whose group cannot be told.
 */
class ImageCollectionTest {
  private static final ImageRepository REPOSITORY =
      ImageRepository.parse("10.250.0.1:5000/a4c-images");

  @Test
  void removesOnlyUnusedBuildsBeyondTheNewestOfTheirProjectParentAndArch() {
    List<HeldImage> images = new ArrayList<>();
    for (int change = 1; change <= 6; change++) {
      images.add(build("kernel", "main", Arch.AMD64, "c" + change, change));
      images.add(build("kernel", "main", Arch.ARM64, "c" + change, change));
    }
    images.add(build("kernel", "release", Arch.AMD64, "c1", 1));
    images.add(build("game", "main", Arch.AMD64, "c1", 1));
    images.add(new HeldImage("sha256:base", List.of("a4c-base:busybox"), 0, Map.of()));
    images.add(
        new HeldImage(
            "sha256:elsewhere",
            List.of("10.250.0.1:5000/other:kernel_main_amd64_c0"),
            0,
            Map.of()));
    var runningOld = new ContainerImage(id("kernel", "main", Arch.AMD64, "c1"), Set.of(), true);
    var stoppedOld =
        new ContainerImage("sha256:gone", Set.of(ref("kernel", "main", Arch.ARM64, "c2")), true);

    var removed = ImageCollection.removable(images, List.of(runningOld, stoppedOld), REPOSITORY, 3);

    assertThat(removed)
        .as("c1..c3 of each arch are beyond the newest 3; c1 amd64 and c2 arm64 are in use")
        .containsExactly(
            ref("kernel", "main", Arch.ARM64, "c1"),
            ref("kernel", "main", Arch.AMD64, "c2"),
            ref("kernel", "main", Arch.AMD64, "c3"),
            ref("kernel", "main", Arch.ARM64, "c3"));
  }

  @Test
  void aHashedTagIsGroupedByTheImagesLabelsAndAnUnplaceableOneIsKept() {
    String parent = "feature_x";
    List<HeldImage> images = new ArrayList<>();
    for (int change = 1; change <= 3; change++) {
      String tag = ImageTags.of("kernel", parent, Arch.AMD64, "c" + change);
      assertThat(tag).contains("__");
      images.add(
          new HeldImage(
              "sha256:h" + change,
              List.of(REPOSITORY + ":" + tag),
              change,
              Map.of(
                  ImageLabels.PROJECT, "kernel",
                  ImageLabels.PARENT, parent,
                  ImageLabels.ARCH, "amd64")));
    }
    String unlabelled = REPOSITORY + ":" + ImageTags.of("kernel", parent, Arch.AMD64, "c0");
    images.add(new HeldImage("sha256:h0", List.of(unlabelled), 0, Map.of()));

    assertThat(ImageCollection.removable(images, List.of(), REPOSITORY, 1))
        .containsExactly(
            REPOSITORY + ":" + ImageTags.of("kernel", parent, Arch.AMD64, "c1"),
            REPOSITORY + ":" + ImageTags.of("kernel", parent, Arch.AMD64, "c2"));
  }

  @Test
  void theBuildOfTheFurthestChangeIsKeptThoughOlderRebuildsWereMadeAfterIt() {
    List<HeldImage> images = new ArrayList<>();
    // Change 40 built first; then rebuilds of older changes 10, 20, 30, made later.
    long made = 100;
    for (int position : new int[] {40, 10, 20, 30}) {
      String change = "c" + position;
      images.add(
          new HeldImage(
              id("kernel", "main", Arch.AMD64, change),
              List.of(ref("kernel", "main", Arch.AMD64, change)),
              made++,
              ImageLabels.of("bs-" + position, "kernel", "main", Arch.AMD64, (long) position)));
    }
    // An image from before positions were labelled, made first: the oldest, and collected.
    images.add(build("kernel", "main", Arch.AMD64, "c5", 50));

    assertThat(ImageCollection.removable(images, List.of(), REPOSITORY, 1))
        .containsExactly(
            ref("kernel", "main", Arch.AMD64, "c5"),
            ref("kernel", "main", Arch.AMD64, "c10"),
            ref("kernel", "main", Arch.AMD64, "c20"));
  }

  private static HeldImage build(String project, String parent, Arch arch, String change, long t) {
    return new HeldImage(
        id(project, parent, arch, change),
        List.of(ref(project, parent, arch, change)),
        t,
        Map.of());
  }

  private static String id(String project, String parent, Arch arch, String change) {
    return "sha256:" + ImageTags.of(project, parent, arch, change);
  }

  private static String ref(String project, String parent, Arch arch, String change) {
    return REPOSITORY + ":" + ImageTags.of(project, parent, arch, change);
  }
}
