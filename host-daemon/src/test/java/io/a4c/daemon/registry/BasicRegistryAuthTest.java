package io.a4c.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A basic login gives its user and password to the repository's own registry and to no other (not
 * to Docker Hub for a base image, not to another registry a Dockerfile names).
 */
class BasicRegistryAuthTest {
  private static final ImageRepository REPOSITORY = ImageRepository.parse("10.250.0.1:5000/a4c");
  private final BasicRegistryAuth auth =
      new BasicRegistryAuth(REPOSITORY, new RegistryCredentials("a4c", "s3cret"));

  @Test
  void theRepositorysRegistryGetsTheUserAndPassword() {
    var credentials = auth.forImage("10.250.0.1:5000/a4c:kernel_main_amd64_1").orElseThrow();

    assertThat(credentials.getUsername()).isEqualTo("a4c");
    assertThat(credentials.getPassword()).isEqualTo("s3cret");
    assertThat(credentials.getRegistryAddress()).isEqualTo("10.250.0.1:5000");
  }

  @Test
  void noOtherRegistryGetsThem() {
    assertThat(auth.forImage("busybox:latest")).isEmpty();
    assertThat(auth.forImage("a4c-base:busybox")).isEmpty();
    assertThat(auth.forImage("10.250.0.2:5000/a4c:x")).isEmpty();
    assertThat(auth.forImage("registry.example.com/a4c:x")).isEmpty();
  }
}
