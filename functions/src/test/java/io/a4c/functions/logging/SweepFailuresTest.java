package io.a4c.functions.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failing part of a sweep leaves the others their turn, and the sweep still fails after them. */
class SweepFailuresTest {
  @Test
  void everyPartRunsAndTheSweepFailsWithTheFirstFailureAfterThem() {
    var failures = new SweepFailures("sweep");
    List<String> ran = new ArrayList<>();

    int first =
        failures.run(
            "first",
            () -> {
              ran.add("first");
              throw new IllegalStateException("queue gone");
            },
            -1);
    int second =
        failures.run(
            "second",
            () -> {
              ran.add("second");
              return 2;
            },
            -1);
    failures.run(
        "third",
        () -> {
          ran.add("third");
          throw new IllegalArgumentException("throttled");
        });

    assertThat(ran).containsExactly("first", "second", "third");
    assertThat(first).isEqualTo(-1);
    assertThat(second).isEqualTo(2);
    assertThat(failures.count()).isEqualTo(2);
    assertThatThrownBy(failures::rethrow)
        .hasMessage("sweep: first failed: queue gone")
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOf(IllegalArgumentException.class));
  }

  @Test
  void aSweepWithoutFailuresDoesNotThrow() {
    var failures = new SweepFailures("sweep");
    failures.run("only", () -> {});

    failures.rethrow();
    assertThat(failures.count()).isZero();
  }
}
