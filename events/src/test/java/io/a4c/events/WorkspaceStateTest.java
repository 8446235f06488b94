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
}
