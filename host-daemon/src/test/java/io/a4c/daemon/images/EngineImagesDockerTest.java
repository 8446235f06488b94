package io.a4c.daemon.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.testing.MovableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The daemon's image listing on a real engine (the first of {@code A4C_TEST_DOCKER_HOSTS}): with
 * its event stream open it answers from the last listing until the engine announces a change — a
 * tag made or removed by hand shows on the next ask — and past {@link EngineImages#MAX_AGE} it asks
 * again; without the stream, or once closed, it asks every time. A listing is a new list each time
 * the engine is asked, so "answered from the last listing" is the same list object.
 */
@EnabledIfEnvironmentVariable(named = "A4C_TEST_DOCKER_HOSTS", matches = ".*h1=unix://.*")
class EngineImagesDockerTest {
  private final String ref =
      "a4c-events-test-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
  private DockerClient docker;
  private EngineImages images;

  @BeforeEach
  void connect() {
    String hosts = System.getenv("A4C_TEST_DOCKER_HOSTS");
    docker = DockerClients.connect(hosts.replaceAll(".*h1=(unix://[^,]+).*", "$1"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (images != null) {
      images.close();
    }
    try {
      docker.removeImageCmd(ref).exec();
    } catch (NotFoundException e) {
      // removed by the test
    }
    docker.close();
  }

  @Test
  void aTagMadeOrRemovedOnTheEngineShowsOnTheNextAskAndNothingElseAsksAgain() {
    images = new EngineImages(docker, Clock.systemUTC(), EngineImagesTest.config());
    images.start();
    // Once the stream is open (its opening makes the first listing stale), asks are answered alike.
    var settled = settled(images);
    assertThat(images.list()).as("nothing changed").isSameAs(settled);
    assertThat(holds(settled, ref)).isFalse();

    docker.tagImageCmd("a4c-base:busybox", ref.split(":")[0], "1").exec();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(holds(images.list(), ref)).as("the new tag").isTrue());
    var tagged = settled(images);
    assertThat(tagged).isNotSameAs(settled);

    docker.removeImageCmd(ref).exec();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(holds(images.list(), ref)).as("the tag removed").isFalse());
  }

  @Test
  void withoutItsStreamOrPastTheMaxAgeItAsksEveryTime() {
    var unwatched = new EngineImages(docker, Clock.systemUTC(), EngineImagesTest.config());
    assertThat(unwatched.list()).as("never started").isNotSameAs(unwatched.list());

    var t0 = Instant.parse("2026-01-01T00:00:00Z");
    var clock = new MovableClock(t0);
    images = new EngineImages(docker, clock, EngineImagesTest.config());
    images.start();
    var settled = settled(images);
    clock.set(t0.plus(EngineImages.MAX_AGE).minusSeconds(1));
    assertThat(images.list()).as("younger than the max age").isSameAs(settled);
    clock.set(t0.plus(EngineImages.MAX_AGE));
    assertThat(images.list()).as("as old as the max age").isNotSameAs(settled);

    images.close();
    assertThat(images.list()).as("closed").isNotSameAs(images.list());
  }

  /** The listing once two asks in a row get the same answer (the stream is open and quiet). */
  private static List<Image> settled(EngineImages images) {
    var last = new AtomicReference<List<Image>>(images.list());
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              var next = images.list();
              boolean same = next == last.get();
              last.set(next);
              return same;
            });
    return last.get();
  }

  private static boolean holds(List<Image> images, String ref) {
    return images.stream()
        .map(Image::getRepoTags)
        .filter(Objects::nonNull)
        .anyMatch(tags -> List.of(tags).contains(ref));
  }
}
