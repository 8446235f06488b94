package io.a4c.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ImageTagsTest {
  /** Docker's rule for a tag. */
  private static final Pattern DOCKER_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  @Test
  void aTagIsProjectParentArchAndChangeJoinedByUnderscores() {
    assertThat(ImageTags.of("kernel", "main", Arch.AMD64, "1234"))
        .isEqualTo("kernel_main_amd64_1234");
    assertThat(ImageTags.of("game-2", "rel-1.2", Arch.ARM64, "a1b2c3d4e5f6"))
        .isEqualTo("game-2_rel-1.2_arm64_a1b2c3d4e5f6");
  }

  @Test
  void everyTagOfAProjectStartsWithItsPrefixAndNoOtherProjectsTagDoes() {
    assertThat(ImageTags.projectPrefix("game")).isEqualTo("game_");
    assertThat(ImageTags.of("game", "main", Arch.AMD64, "7"))
        .startsWith(ImageTags.projectPrefix("game"));
    assertThat(ImageTags.of("game-engine", "main", Arch.AMD64, "7"))
        .doesNotStartWith(ImageTags.projectPrefix("game"));
    assertThat(ImageTags.of("game", "x".repeat(64), Arch.AMD64, "y".repeat(64)))
        .startsWith(ImageTags.projectPrefix("game"));
  }

  @Test
  void anOverlongTagKeepsItsReadableStartAndEndsInAHashOfAllFourNames() {
    String project = "p" + "r".repeat(62);
    String parent = "b" + "1".repeat(63);
    String change = "c" + "0".repeat(63);

    String tag = ImageTags.of(project, parent, Arch.AMD64, change);

    String plain = project + "_" + parent + "_amd64_" + change;
    assertThat(tag)
        .hasSize(ImageTags.MAX_LENGTH)
        .matches(DOCKER_TAG)
        .isEqualTo(plain.substring(0, 110) + tag.substring(110));
    assertThat(tag.substring(110)).matches("__[0-9a-f]{16}");
    assertThat(ImageTags.of(project, parent, Arch.AMD64, change))
        .as("deterministic")
        .isEqualTo(tag);
    // Differing only past the cut still gives another tag.
    assertThat(ImageTags.of(project, parent, Arch.AMD64, "c" + "0".repeat(62) + "1"))
        .isNotEqualTo(tag)
        .hasSize(ImageTags.MAX_LENGTH);
  }

  @Test
  void aTagOfExactlyTheLimitStaysPlain() {
    // 63 + 1 + 50 + 1 + 5 + 1 + 7 = 128
    String tag = ImageTags.of("p".repeat(63), "b".repeat(50), Arch.AMD64, "c".repeat(7));
    assertThat(tag).hasSize(128).doesNotContain("__");
    assertThat(ImageTags.of("p".repeat(63), "b".repeat(50), Arch.AMD64, "c".repeat(8)))
        .hasSize(128)
        .contains("__");
  }

  @Test
  void underscoresInParentOrChangeCannotMakeTwoBuildsShareATag() {
    String one = ImageTags.of("kernel", "a_amd64_b", Arch.AMD64, "c");
    String other = ImageTags.of("kernel", "a", Arch.AMD64, "b_amd64_c");

    assertThat(one).isNotEqualTo(other).startsWith("kernel_a_amd64_b_amd64_c__");
    assertThat(other).startsWith("kernel_a_amd64_b_amd64_c__");
    // A plain tag has no "__", so no hashed tag equals one, whatever its change looks like.
    assertThat(ImageTags.of("kernel", "main", Arch.AMD64, "1234")).doesNotContain("__");
  }

  @Test
  void aTagIsAValidDockerTagAndMakesAValidImageReference() {
    String tag = ImageTags.of("p".repeat(63), "B.b-".repeat(16), Arch.ARM64, "9_".repeat(32));
    assertThat(tag).matches(DOCKER_TAG);
    assertThat(
            Names.IMAGE_REF
                .matcher("123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-images:" + tag)
                .matches())
        .isTrue();
  }

  @Test
  void refusesNamesThatBreakTheirRules() {
    assertThatThrownBy(() -> ImageTags.of("Kernel", "main", Arch.AMD64, "1"))
        .hasMessageContaining("projectName");
    assertThatThrownBy(() -> ImageTags.of("kernel", "-main", Arch.AMD64, "1"))
        .hasMessageContaining("parentName");
    assertThatThrownBy(() -> ImageTags.of("kernel", "main", Arch.AMD64, "1;ls"))
        .hasMessageContaining("change");
    assertThatThrownBy(() -> ImageTags.projectPrefix("a_b")).hasMessageContaining("projectName");
  }
}
