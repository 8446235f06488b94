package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.HostCommand;
import io.a4c.events.SshKeysApplied;
import io.a4c.events.SyncSshKeys;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.sshkeys.PutSshKeyRequest;
import io.a4c.functions.sshkeys.SshKeyRegistration;
import io.a4c.functions.sshkeys.SshKeyRemoval;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key changes reach a user's live workspaces (and no others) as SyncSshKeys commands on their
 * hosts' queues; hosts' SshKeysApplied reports are recorded as a maximum, from the workspace's own
 * host only; a workspace that comes up RUNNING with an older key set is sent the current one once.
 */
class SshKeySyncTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  /** A public key made with ssh-keygen -t ed25519. */
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq85AIvGfDDGq2pLe8SfXqpMxoqN+A1nF0ZRZthJfx2 alice@laptop";

  private WorkspaceServices services;
  private SshKeyRegistration registration;
  private SshKeyRemoval removal;

  @BeforeEach
  void aHostWithAQueue() {
    services = new WorkspaceServices(dynamo, sqs).withProject(10);
    services.host("h1", 0, 20, List.of(IMAGE));
    services.host("h2", 0, 20, List.of(IMAGE));
    services.hosts.setStatus(
        "h2", io.a4c.functions.hosts.HostStatus.ACTIVE, io.a4c.functions.hosts.HostStatus.DRAINING);
    registration =
        new SshKeyRegistration(
            services.keys, services.keyring, services.keySync, services.audit, services.clock);
    removal = new SshKeyRemoval(services.keys, services.keyring, services.keySync, services.audit);
  }

  private void putKey(String userId, String name) {
    registration.put(WorkspaceServices.user(userId), userId, name, new PutSshKeyRequest(KEY));
  }

  private List<SyncSshKeys> syncsTo(String hostId) {
    return services.commandsTo(hostId).stream()
        .filter(SyncSshKeys.class::isInstance)
        .map(SyncSshKeys.class::cast)
        .toList();
  }

  @Test
  void aKeyDeleteWhoseSyncCannotReachAWorkspaceIsSentAgainBySweepsUntilItDoes() {
    var running = services.create(ALICE);
    services.put(running, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    services.commandsTo("h1");
    putKey(ALICE, "laptop");
    assertThat(syncsTo("h1")).hasSize(1);
    // Every live workspace was told: nothing for the sweeper.
    assertThat(services.keys.syncPending(10)).isEmpty();
    assertThat(services.keySync.resendPending()).isZero();

    // The key is deleted while h1's queue refuses sends: the sync is lost, the mark stays.
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");
    removal.delete(WorkspaceServices.user(ALICE), ALICE, "laptop");
    assertThat(services.keys.syncPending(10)).containsExactly(ALICE);
    // A sweep while the queue is still gone tries, keeps the mark and fails (a sweep error).
    assertThatThrownBy(services.keySync::resendPending).hasMessageContaining(ALICE);
    assertThat(services.keys.syncPending(10)).containsExactly(ALICE);

    sqs.createHostQueue("h1");
    assertThat(services.keySync.resendPending()).isEqualTo(1);

    assertThat(syncsTo("h1"))
        .singleElement()
        .satisfies(
            sync -> {
              assertThat(sync.workspaceId()).isEqualTo(running.workspaceId());
              assertThat(sync.authorizedKeys()).isEmpty();
              assertThat(sync.keysRevision()).isEqualTo(2);
            });
    assertThat(services.keys.syncPending(10)).isEmpty();
    assertThat(services.keySync.resendPending()).isZero();
  }

  @Test
  void aKeyChangeIsSentToEveryLiveWorkspaceOfTheUserAndNoOther() {
    var pending = services.create(ALICE);
    var creating = services.create(ALICE);
    var running = services.create(ALICE);
    var failed = services.create(ALICE);
    var deleting = services.create(ALICE);
    var bobs = services.create("bob");
    services.put(creating, WorkspaceState.CREATING, WorkspaceStep.ACCEPTED);
    services.put(running, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    services.put(failed, WorkspaceState.FAILED, WorkspaceStep.ACCEPTED);
    services.put(deleting, WorkspaceState.DELETING, WorkspaceStep.ACCEPTED);
    services.put(bobs, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    services.commandsTo("h1"); // the creates

    putKey(ALICE, "laptop");

    Map<String, SyncSshKeys> syncs =
        syncsTo("h1").stream()
            .collect(Collectors.toMap(SyncSshKeys::workspaceId, Function.identity()));
    assertThat(syncs.keySet())
        .containsExactlyInAnyOrder(
            pending.workspaceId(), creating.workspaceId(), running.workspaceId());
    var login = services.keyring.forUser(ALICE).login();
    assertThat(syncs.values())
        .allSatisfy(
            sync -> {
              assertThat(sync.userId()).isEqualTo(ALICE);
              assertThat(sync.login()).isEqualTo(login);
              assertThat(sync.authorizedKeys()).containsExactly(KEY);
              assertThat(sync.keysRevision()).isEqualTo(1);
            });
    assertThat(syncs.values().stream().map(HostCommand::commandId).distinct()).hasSize(3);

    removal.delete(WorkspaceServices.user(ALICE), ALICE, "laptop");

    assertThat(syncsTo("h1"))
        .hasSize(3)
        .allSatisfy(
            sync -> {
              assertThat(sync.authorizedKeys()).isEmpty();
              assertThat(sync.keysRevision()).isEqualTo(2);
            });
  }

  @Test
  void aKeyChangeForAUserWithoutWorkspacesSendsNothing() {
    putKey(ALICE, "laptop");

    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void appliedRevisionsAreRecordedAsAMaximum() {
    var created = services.create(ALICE);
    long version = services.stored(created).version();

    // A user without keys: revision 0, which the record says by having none. No write.
    assertThat(services.reports.apply(applied("h1", created, 0))).isFalse();
    assertThat(services.stored(created).version()).isEqualTo(version);
    assertThat(services.reports.apply(applied("h1", created, 3))).isTrue();
    assertThat(services.reports.apply(applied("h1", created, 2))).isFalse();
    assertThat(services.reports.apply(applied("h1", created, 3))).isFalse();

    assertThat(services.stored(created).sshKeysRevision()).isEqualTo(3);
    assertThat(services.stored(created).version()).isEqualTo(version + 1);
    assertThat(services.reports.apply(applied("h1", created, 4))).isTrue();
    assertThat(services.stored(created).sshKeysRevision()).isEqualTo(4);
  }

  @Test
  void aRunningReportRecordsTheKeysItsContainerHoldsInTheSameWrite() {
    var created = services.create(ALICE);
    long version = services.stored(created).version();

    assertThat(services.reports.apply(running(created).withKeysRevision(4))).isTrue();

    var running = services.stored(created);
    assertThat(running.state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(running.ssh().keysRevision()).isEqualTo(4);
    assertThat(running.version()).as("one write").isEqualTo(version + 1);
    // What an older daemon sends beside it changes nothing more.
    assertThat(services.reports.apply(applied("h1", created, 4))).isFalse();
    assertThat(services.stored(created).version()).isEqualTo(version + 1);
  }

  @Test
  void anAppliedReportFromAnotherHostIsDroppedAndAudited() {
    var created = services.create(ALICE);

    assertThat(services.reports.apply(applied("h2", created, 5))).isFalse();

    assertThat(services.stored(created).sshKeysRevision()).isZero();
    assertThat(services.audited(ALICE))
        .anySatisfy(
            entry -> {
              assertThat(entry.action()).isEqualTo("host-event.rejected");
              assertThat(entry.details()).containsEntry("eventType", "SshKeysApplied");
            });
  }

  @Test
  void anAppliedReportForAWorkspaceThatIsGoneChangesNothing() {
    var created = services.create(ALICE);
    services.reports.apply(
        report("h1", created, WorkspaceState.DELETING, WorkspaceStep.ACCEPTED, null, null));
    services.reports.apply(
        report("h1", created, WorkspaceState.DELETED, WorkspaceStep.ACCEPTED, null, null));

    assertThat(services.reports.apply(applied("h1", created, 1))).isFalse();
    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
  }

  @Test
  void aWorkspaceComingUpWithAnOlderKeySetIsSentTheCurrentOneOnce() {
    putKey(ALICE, "laptop"); // revision 1, which the create carries
    var created = services.create(ALICE);
    putKey(ALICE, "laptop"); // revision 2: replaced while the workspace is being made
    services.commandsTo("h1"); // the create and the sync, taken off the queue: the sync is lost

    services.reports.apply(running(created));
    services.reports.apply(running(created)); // a duplicate report sends nothing more

    assertThat(syncsTo("h1"))
        .singleElement()
        .satisfies(
            sync -> {
              assertThat(sync.workspaceId()).isEqualTo(created.workspaceId());
              assertThat(sync.keysRevision()).isEqualTo(2);
              assertThat(sync.authorizedKeys()).containsExactly(KEY);
            });
  }

  @Test
  void aWorkspaceComingUpWithTheCurrentKeySetIsSentNothing() {
    putKey(ALICE, "laptop");
    var created = services.create(ALICE);
    services.reports.apply(applied("h1", created, 1));
    services.commandsTo("h1");

    services.reports.apply(running(created));

    assertThat(syncsTo("h1")).isEmpty();
  }

  @Test
  void aWorkspaceWithoutAnSshServerIsSentNothing() {
    putKey(ALICE, "laptop");
    var created = services.create(ALICE);
    services.commandsTo("h1");

    services.reports.apply(running(created).withSshUnavailable("the image has no sshd"));

    assertThat(syncsTo("h1")).isEmpty();
  }

  private static SshKeysApplied applied(String hostId, WorkspaceView workspace, long revision) {
    return SshKeysApplied.of(
        hostId, workspace.workspaceId(), workspace.userId(), revision, WorkspaceServices.T0);
  }

  private static io.a4c.events.WorkspaceStatus running(WorkspaceView workspace) {
    return report(
        "h1",
        workspace,
        WorkspaceState.RUNNING,
        WorkspaceStep.HOSTNAME_REGISTERED,
        "c0ffee",
        "172.17.0.5");
  }
}
