package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.http.ProblemException;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading workspaces: pages of the user's own, each with whether its host is reachable. */
class WorkspaceReadsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private WorkspaceServices services;

  @BeforeEach
  void services() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));
  }

  @Test
  void aWorkspaceIsShownReachableWhileItsHostHeartbeatsAndUnreachableOnceItIsDown() {
    var created = services.create(ALICE);
    assertThat(services.reads.get(ALICE, created.workspaceId()).hostReachable()).isTrue();

    services.hosts.markDown(services.host("h1"));
    services.clock.advance(Duration.ofSeconds(6)); // past the directory's refresh

    assertThat(services.reads.get(ALICE, created.workspaceId()).hostReachable()).isFalse();
    assertThat(services.reads.list(ALICE, 10, null).items())
        .singleElement()
        .satisfies(w -> assertThat(w.hostReachable()).isFalse());
  }

  @Test
  void listingPagesThroughTheUsersWorkspacesOldestFirst() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(services.create(ALICE).workspaceId());
      services.clock.advance(Duration.ofMillis(2));
    }
    services.create("bob");

    var first = services.reads.list(ALICE, 2, null);
    var second = services.reads.list(ALICE, 2, first.nextToken());

    assertThat(first.items()).extracting(WorkspaceView::workspaceId).isEqualTo(made.subList(0, 2));
    assertThat(second.items()).extracting(WorkspaceView::workspaceId).isEqualTo(made.subList(2, 3));
    assertThat(second.nextToken()).isNull();
  }

  @Test
  void aPageTokenOfOneUserIsRefusedForAnother() {
    services.create(ALICE);
    services.create(ALICE);
    String token = services.reads.list(ALICE, 1, null).nextToken();

    assertThatThrownBy(() -> services.reads.list("bob", 1, token))
        .isInstanceOf(ProblemException.class);
  }

  @Test
  void anotherUsersWorkspaceIsNotFound() {
    var created = services.create(ALICE);

    assertThatThrownBy(() -> services.reads.get("bob", created.workspaceId()))
        .isInstanceOf(WorkspaceNotFoundException.class);
  }
}
