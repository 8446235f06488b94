package io.a4c.daemon.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.CreateWorkspace;
import io.a4c.events.WorkspaceSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels fixed on a workspace's container and home volume, and how they are read back. */
class ContainerLabelsTest {
  private static final String WORKSPACE = "ws-" + "a".repeat(26);

  private static CreateWorkspace create(Integer idleMinutes) {
    return CreateWorkspace.of(
        "c-1",
        "h2",
        WORKSPACE,
        "alice",
        new WorkspaceSpec(
            "10.250.0.1:5000/a4c-images:p_base_amd64_1",
            WORKSPACE + ".ws.example",
            List.of(),
            1,
            512,
            256,
            idleMinutes));
  }

  @Test
  void aContainerRecordsItsImageAndIdleStopBesidesTheCommonLabels() {
    var labels = ContainerLabels.ofContainer(create(45), 3, null);

    assertThat(labels)
        .containsAllEntriesOf(ContainerLabels.of(WORKSPACE, "alice", "h2"))
        .containsEntry(ContainerLabels.IMAGE_REF, "10.250.0.1:5000/a4c-images:p_base_amd64_1")
        .containsEntry(ContainerLabels.IDLE_STOP_MINUTES, "45");
    assertThat(ContainerLabels.idleStopMinutes(labels)).isEqualTo(45);
    assertThat(ContainerLabels.idleStopMinutes(ContainerLabels.ofContainer(create(null), 0, null)))
        .isZero();
  }

  @Test
  void aMissingOrMalformedIdleLabelMeansNever() {
    assertThat(ContainerLabels.idleStopMinutes(null)).isZero();
    assertThat(ContainerLabels.idleStopMinutes(Map.of())).isZero();
    assertThat(ContainerLabels.idleStopMinutes(Map.of(ContainerLabels.IDLE_STOP_MINUTES, "x")))
        .isZero();
    assertThat(ContainerLabels.idleStopMinutes(Map.of(ContainerLabels.IDLE_STOP_MINUTES, "-3")))
        .isZero();
  }

  @Test
  void theHomeVolumeIsNamedAfterTheWorkspace() {
    assertThat(ContainerLabels.homeVolume(WORKSPACE)).isEqualTo("a4c-home-" + WORKSPACE);
  }

  @Test
  void engineTimestampsAreReadOrLeftNull() {
    assertThat(DockerWorkspaceRuntime.instant("2026-12-02T10:39:04Z"))
        .isEqualTo(Instant.parse("2026-12-02T10:39:04Z"));
    assertThat(DockerWorkspaceRuntime.instant("2026-12-02T10:39:01.824867141+01:00"))
        .isEqualTo(Instant.parse("2026-12-02T09:39:01.824867141Z"));
    assertThat(DockerWorkspaceRuntime.instant("0001-01-01T00:00:00Z")).isNull();
    assertThat(DockerWorkspaceRuntime.instant(null)).isNull();
    assertThat(DockerWorkspaceRuntime.instant("yesterday")).isNull();
  }
}
