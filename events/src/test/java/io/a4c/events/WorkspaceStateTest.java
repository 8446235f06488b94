package io.a4c.events;

import static io.a4c.events.WorkspaceState.*;
import static io.a4c.events.WorkspaceStep.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkspaceStateTest {
  @Test
  void createStepsOnlyMoveForward() {
    assertThat(CREATING.canMoveTo(CREATING, CONTAINER_CREATED, STARTED)).isTrue();
    assertThat(CREATING.canMoveTo(CREATING, STARTED, STARTED)).isFalse();
    assertThat(CREATING.canMoveTo(CREATING, SETUP_DONE, CONTAINER_CREATED)).isFalse();
  }

  @Test
  void aLateCreateEventCannotReviveADeletingWorkspace() {
    assertThat(DELETING.canMoveTo(RUNNING, null, HOSTNAME_REGISTERED)).isFalse();
    assertThat(DELETING.canMoveTo(CREATING, null, STARTED)).isFalse();
    assertThat(DELETING.canMoveTo(DELETED, null, REMOVED)).isTrue();
  }

  @Test
  void runningIsReachedOnceAndEveryLiveStateCanBeDeleted() {
    assertThat(RUNNING.canMoveTo(RUNNING, HOSTNAME_REGISTERED, HOSTNAME_REGISTERED)).isFalse();
    for (WorkspaceState s : new WorkspaceState[] {PENDING, CREATING, RUNNING, FAILED}) {
      assertThat(s.canMoveTo(DELETING, null, null)).as(s.name()).isTrue();
    }
    assertThat(DELETED.canMoveTo(DELETING, null, null)).isFalse();
  }

  @Test
  void stopAndStartGoThroughTheirOwnStates() {
    assertThat(RUNNING.canMoveTo(STOPPING, HOSTNAME_REGISTERED, null)).isTrue();
    assertThat(STOPPING.canMoveTo(STOPPED, null, CONTAINER_STOPPED)).isTrue();
    assertThat(STOPPED.canMoveTo(STARTING, CONTAINER_STOPPED, null)).isTrue();
    assertThat(STARTING.canMoveTo(STARTING, null, STARTED)).isTrue();
    assertThat(STARTING.canMoveTo(STARTING, IP_ASSIGNED, STARTED)).isFalse();
    assertThat(STARTING.canMoveTo(RUNNING, IP_ASSIGNED, HOSTNAME_REGISTERED)).isTrue();
  }

  @Test
  void aStoppedWorkspaceIsNeverRevivedByALateReport() {
    assertThat(STOPPED.canMoveTo(RUNNING, CONTAINER_STOPPED, HOSTNAME_REGISTERED)).isFalse();
    assertThat(STOPPED.canMoveTo(CREATING, CONTAINER_STOPPED, STARTED)).isFalse();
    assertThat(STOPPING.canMoveTo(RUNNING, null, HOSTNAME_REGISTERED)).isFalse();
  }

  @Test
  void aFailedWorkspaceMayBeRebuiltAndEveryLifecycleStateDeleted() {
    assertThat(FAILED.canMoveTo(REBUILDING, null, null)).isTrue();
    assertThat(FAILED.canMoveTo(STARTING, null, null)).isFalse();
    for (WorkspaceState s : new WorkspaceState[] {STOPPING, STOPPED, STARTING, REBUILDING}) {
      assertThat(s.canMoveTo(DELETING, null, null)).as(s.name()).isTrue();
    }
  }

  @Test
  void inFlightStatesAreTheOnesAHostStillWorksOn() {
    assertThat(STOPPING.inFlight()).isTrue();
    assertThat(STARTING.inFlight()).isTrue();
    assertThat(REBUILDING.inFlight()).isTrue();
    assertThat(STOPPED.inFlight()).isFalse();
    assertThat(RUNNING.inFlight()).isFalse();
  }
}
