package io.a4c.events;

import static io.a4c.events.BuildStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildStatusTest {
  @Test
  void aBuildIsTakenFromScheduledAndEndsOnce() {
    assertThat(SCHEDULED.canMoveTo(IN_PROGRESS)).isTrue();
    assertThat(IN_PROGRESS.canMoveTo(COMPLETED)).isTrue();
    assertThat(IN_PROGRESS.canMoveTo(FAILED)).isTrue();
    for (BuildStatus end : new BuildStatus[] {COMPLETED, FAILED, CANCELLED}) {
      assertThat(end.isFinal()).as(end.name()).isTrue();
      for (BuildStatus any : values()) {
        assertThat(end.canMoveTo(any)).as(end + " -> " + any).isFalse();
      }
    }
  }

  @Test
  void onlyAScheduledBuildCanBeCancelled() {
    assertThat(BuildStatus.allowedFrom(CANCELLED)).containsExactly(SCHEDULED);
    assertThat(IN_PROGRESS.canMoveTo(CANCELLED)).isFalse();
  }

  @Test
  void aBuildGoesBackToScheduledOnlyFromALapsedClaimAndCompletesOnlyOnceTaken() {
    assertThat(BuildStatus.allowedFrom(SCHEDULED)).containsExactly(IN_PROGRESS);
    assertThat(BuildStatus.allowedFrom(COMPLETED)).containsExactly(IN_PROGRESS);
    assertThat(BuildStatus.allowedFrom(IN_PROGRESS))
        .containsExactlyInAnyOrder(SCHEDULED, IN_PROGRESS);
    assertThat(BuildStatus.allowedFrom(FAILED)).containsExactlyInAnyOrder(SCHEDULED, IN_PROGRESS);
  }
}
