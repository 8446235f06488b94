package io.a4c.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.events.Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRepositoryTest {
  private static final String ECR =
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a4c-prod-registryimages1a2b3c-x9y8z7";

  @Test
  void aBuildsImageIsTheRepositoryTaggedWithProjectParentArchAndChange() {
    assertThat(
            ImageRepository.parse("10.250.0.1:5000/a4c-images")
                .imageRef("kernel", "main", Arch.AMD64, "1234"))
        .isEqualTo("10.250.0.1:5000/a4c-images:kernel_main_amd64_1234");
    assertThat(ImageRepository.parse(ECR).imageRef("game", "rel-2", Arch.ARM64, "a1b2c3d4e5f6"))
        .isEqualTo(ECR + ":game_rel-2_arm64_a1b2c3d4e5f6");
  }

  @Test
  void theLongestNamesStillMakeAValidReference() {
    String ref =
        ImageRepository.parse(ECR)
            .imageRef("p".repeat(63), "b".repeat(64), Arch.AMD64, "c".repeat(64));
    assertThat(ref).startsWith(ECR + ":" + "p".repeat(63) + "_").matches(Names.IMAGE_REF.pattern());
    assertThat(ref.substring(ref.indexOf(':', ECR.indexOf('/')) + 1)).hasSize(128);
  }

  @Test
  void splitsRegistryAndPath() {
    var repository = ImageRepository.parse("localhost:5000/team/a4c");
    assertThat(repository.registry()).isEqualTo("localhost:5000");
    assertThat(repository.path()).isEqualTo("team/a4c");
    assertThat(repository).hasToString("localhost:5000/team/a4c");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.250.0.1:5000",
        "a4c/images",
        "10.250.0.1:5000/A4C",
        "10.250.0.1:5000/a4c:tag",
        "host;rm/a4c",
        "-x.example/a4c",
        "x.example/"
      })
  void refusesWhatIsNotARegistryAndRepository(String value) {
    assertThatThrownBy(() -> ImageRepository.parse(value))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesARepositoryTooLongForTheLongestTag() {
    assertThatThrownBy(
            () -> ImageRepository.parse("r.example/" + "a".repeat(ImageRepository.MAX_LENGTH)))
        .hasMessageContaining("at most " + ImageRepository.MAX_LENGTH);
  }

  @Test
  void readsTheRegistryOfAReferenceAsDockerDoes() {
    assertThat(ImageRepository.registryOf(ECR + ":kernel_main_amd64_1"))
        .contains("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    assertThat(ImageRepository.registryOf("10.250.0.1:5000/a4c-images:x"))
        .contains("10.250.0.1:5000");
    assertThat(ImageRepository.registryOf("localhost/a4c:x")).contains("localhost");
    assertThat(ImageRepository.registryOf("library/debian:12")).isEmpty();
    assertThat(ImageRepository.registryOf("a4c-base:busybox")).isEmpty();
  }
}
