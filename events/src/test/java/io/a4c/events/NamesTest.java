package io.a4c.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a4c-base:busybox",
        "10.250.0.1:5000/a4c-images:kernel_main_amd64_1234",
        "registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      })
  void acceptsImageReferencesDockerAccepts(String ref) {
    assertThat(Names.IMAGE_REF.matcher(ref).matches()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"busybox; rm -rf /", "$(id)", "a b", "UPPER/case", "img:tag\nRUN x", ""})
  void refusesImageReferencesWithShellOrSpaceCharacters(String ref) {
    assertThat(Names.IMAGE_REF.matcher(ref).matches()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "a b", "kernel;ls", "-rf", "Kernel"})
  void refusesProjectNamesThatCouldEscapeWhereTheyAreUsed(String name) {
    assertThat(Names.PROJECT_NAME.matcher(name).matches()).isFalse();
  }
}
