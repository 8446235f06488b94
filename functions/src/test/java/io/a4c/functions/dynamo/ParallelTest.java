package io.a4c.functions.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.projects.ProjectNotFoundException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ParallelTest {

  @Test
  void theReadsRunAtOnceAndEachGivesItsOwnValue() {
    var bothStarted = new CountDownLatch(2);
    var reads = new Parallel();
    var first = reads.start(() -> meet(bothStarted, "first"));
    var second = reads.start(() -> meet(bothStarted, "second"));
    reads.await();

    // Each read waits for the other to have started: one after the other, neither would end.
    assertThat(first.get()).isEqualTo("first");
    assertThat(second.get()).isEqualTo("second");
  }

  @Test
  void awaitWaitsForEveryReadEvenWhenOneFailedAndGetRethrowsWhatItThrew() {
    var slowEnded = new AtomicBoolean();
    var reads = new Parallel();
    var failed =
        reads.start(
            () -> {
              throw new ProjectNotFoundException("nope");
            });
    reads.start(
        () -> {
          sleep(200);
          slowEnded.set(true);
          return "slow";
        });
    reads.await();

    assertThat(slowEnded).as("nothing is left running once await returns").isTrue();
    assertThatThrownBy(failed::get)
        .as("the read's own exception, as the caller would have met it")
        .isExactlyInstanceOf(ProjectNotFoundException.class)
        .hasMessageContaining("nope");
  }

  private static String meet(CountDownLatch bothStarted, String value) {
    bothStarted.countDown();
    try {
      if (!bothStarted.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other read never started");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return value;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
