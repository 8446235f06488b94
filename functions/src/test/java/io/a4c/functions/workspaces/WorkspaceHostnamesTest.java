package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ADMIN;
import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.HostInventory;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.dns.DnsRecord;
import io.a4c.functions.dns.WorkspaceDns;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where a workspace's hostname resolves as its record moves: from the report that gives it an
 * address, through the reconciler's moves, until it fails or is deleted — and a DNS write that
 * failed is done again when the report is redelivered.
 */
class WorkspaceHostnamesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final String CONTAINER = "c0ffee";
  private static final String IP = "10.251.2.7";

  private WorkspaceServices services;
  private WorkspaceView created;

  @BeforeEach
  void aPendingWorkspaceOnH1() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 10, List.of(IMAGE));
    created = services.create(ALICE);
  }

  @Test
  void theHostnameIsTheWorkspaceIdUnderTheDomain() {
    assertThat(created.hostname()).isEqualTo(created.workspaceId() + ".ws.a4c.internal");
  }

  @Test
  void aWorkspaceWithoutAnAddressHasNoRecord() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.STARTED, CONTAINER, null));

    assertThat(resolved()).isEmpty();
  }

  @Test
  void theHostnameResolvesOnceACreatingWorkspaceHasItsAddress() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.IP_ASSIGNED, CONTAINER, IP));

    assertThat(resolved()).contains(IP);
  }

  @Test
  void aRunningReportPublishesTheAddress() {
    running();

    assertThat(resolved()).contains(IP);
    assertThat(services.dns.lookup(created.hostname()).map(DnsRecord::ttlSeconds))
        .contains(WorkspaceDns.TTL_SECONDS);
  }

  @Test
  void theRecordGoesWithTheDeletedReport() {
    running();
    services.deletion.delete(WorkspaceServices.user(ALICE), ALICE, created.workspaceId());
    assertThat(resolved()).as("resolves while DELETING").contains(IP);

    services.reports.apply(
        report("h1", created, WorkspaceState.DELETED, WorkspaceStep.REMOVED, null, null));

    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(resolved()).isEmpty();
  }

  @Test
  void theRecordGoesWithAForcedDelete() {
    running();

    services.deletion.forceDelete(ADMIN, ALICE, created.workspaceId());

    assertThat(resolved()).isEmpty();
  }

  @Test
  void theRecordGoesWhenTheWorkspaceFails() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.IP_ASSIGNED, CONTAINER, IP));

    services.reports.apply(
        report("h1", created, WorkspaceState.FAILED, WorkspaceStep.IP_ASSIGNED, CONTAINER, null));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(resolved()).isEmpty();
  }

  @Test
  void theReconcilerMovesTheRecordWithTheContainersNewAddress() {
    running();
    services.clock.advance(Duration.ofMinutes(5)); // the record has settled

    services.reconciler.reconcile(inventory("10.251.2.9"));

    assertThat(services.stored(created).ip()).isEqualTo("10.251.2.9");
    assertThat(resolved()).contains("10.251.2.9");
  }

  @Test
  void anInventoryTakenBeforeTheRecordMovedDoesNotTakeItBackToAnOlderAddress() {
    running();
    services.clock.advance(Duration.ofMinutes(5));
    // Taken now, with the address the record has; handled after a stop and a start gave another.
    var late = inventory(IP);
    services.clock.advance(Duration.ofSeconds(1));
    var user = WorkspaceServices.user(ALICE);
    services.lifecycle.stop(user, ALICE, created.workspaceId());
    services.reports.apply(stopped());
    services.lifecycle.start(user, ALICE, created.workspaceId());
    services.reports.apply(
        report(
                "h1",
                created,
                WorkspaceState.RUNNING,
                WorkspaceStep.HOSTNAME_REGISTERED,
                CONTAINER,
                "10.251.2.11")
            .forOperation(2L, IMAGE));
    services.clock.advance(Duration.ofSeconds(30));

    services.reconciler.reconcile(late);

    assertThat(services.stored(created).ip()).isEqualTo("10.251.2.11");
    assertThat(resolved()).contains("10.251.2.11");
  }

  @Test
  void aReconcilersAddressWrittenAsTheWorkspaceStoppedIsWithdrawnWhenItsRecordWriteLoses() {
    running();
    services.clock.advance(Duration.ofMinutes(5)); // the record has settled
    // The reconciler read the record RUNNING; before its DNS write lands, the workspace is stopped
    // (its hostname withdrawn, the record STOPPED), so its record write loses.
    var reconciler =
        services.reconciler(
            new WorkspaceHostnames(
                racing(
                    () -> {
                      services.lifecycle.stop(
                          WorkspaceServices.user(ALICE), ALICE, created.workspaceId());
                      services.reports.apply(stopped());
                    })));

    reconciler.reconcile(inventory("10.251.2.9"));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(resolved()).as("a stopped workspace resolves nowhere").isEmpty();
  }

  @Test
  void aReconcilersOlderAddressNeverWinsOverTheOneANewerReportGave() {
    running();
    services.clock.advance(Duration.ofMinutes(5)); // the record has settled
    var reconciler =
        services.reconciler(
            new WorkspaceHostnames(
                racing(
                    () -> {
                      var user = WorkspaceServices.user(ALICE);
                      services.lifecycle.stop(user, ALICE, created.workspaceId());
                      services.reports.apply(stopped());
                      services.lifecycle.start(user, ALICE, created.workspaceId());
                      services.reports.apply(
                          report(
                                  "h1",
                                  created,
                                  WorkspaceState.RUNNING,
                                  WorkspaceStep.HOSTNAME_REGISTERED,
                                  CONTAINER,
                                  "10.251.2.11")
                              .forOperation(2L, IMAGE));
                    })));

    reconciler.reconcile(inventory("10.251.2.9"));

    assertThat(services.stored(created).ip()).isEqualTo("10.251.2.11");
    assertThat(resolved()).contains("10.251.2.11");
  }

  @Test
  void theRecordGoesWhenTheReconcilerRemakesAWorkspaceWhoseContainerIsGone() {
    running();
    services.clock.advance(Duration.ofMinutes(5));

    services.reconciler.reconcile(HostInventory.of("h1", List.of(), services.clock.instant()));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.REBUILDING);
    assertThat(resolved()).isEmpty();
  }

  @Test
  void theReconcilerPublishesACreateThatFinishedWithoutItsLastReports() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.SETUP_DONE, CONTAINER, null));
    services.clock.advance(Duration.ofMinutes(5));

    services.reconciler.reconcile(inventory(IP));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(resolved()).contains(IP);
  }

  @Test
  void aStuckCreateThatIsFailedLosesItsRecord() {
    services.reports.apply(
        report("h1", created, WorkspaceState.CREATING, WorkspaceStep.IP_ASSIGNED, CONTAINER, IP));
    for (int sweep = 0; sweep <= StuckWorkspaces.MAX_REDRIVES; sweep++) {
      services.clock.advance(Duration.ofHours(1));
      services.stuck.sweep(services.clock.instant().minusSeconds(1));
    }

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.FAILED);
    assertThat(resolved()).isEmpty();
  }

  @Test
  void aDnsWriteThatFailedIsDoneWhenTheReportIsRedelivered() {
    var down = new AtomicBoolean(true);
    var flaky =
        new WorkspaceDns() {
          @Override
          public void upsert(String hostname, String ip) {
            if (down.get()) {
              throw new IllegalStateException("DNS unavailable");
            }
            services.dns.upsert(hostname, ip);
          }

          @Override
          public void delete(String hostname, String ip) {
            services.dns.delete(hostname, ip);
          }
        };
    var reports =
        new WorkspaceReports(
            services.store,
            services.clock,
            services.audit,
            new WorkspaceHostnames(flaky),
            services.keyring,
            services.commands,
            services.projects);
    var runningReport =
        report(
            "h1",
            created,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            CONTAINER,
            IP);

    assertThatThrownBy(() -> reports.apply(runningReport)).hasMessageContaining("DNS unavailable");
    assertThat(services.stored(created).state())
        .as("the state change is kept")
        .isEqualTo(WorkspaceState.RUNNING);
    assertThat(resolved()).isEmpty();

    down.set(false);
    reports.apply(runningReport);

    assertThat(resolved()).contains(IP);
  }

  @Test
  void aDnsDeleteThatFailedKeepsTheRecordForTheRedelivery() {
    running();
    services.deletion.delete(WorkspaceServices.user(ALICE), ALICE, created.workspaceId());
    var down = new AtomicBoolean(true);
    var flaky =
        new WorkspaceDns() {
          @Override
          public void upsert(String hostname, String ip) {
            services.dns.upsert(hostname, ip);
          }

          @Override
          public void delete(String hostname, String ip) {
            if (down.get()) {
              throw new IllegalStateException("DNS unavailable");
            }
            services.dns.delete(hostname, ip);
          }
        };
    var reports =
        new WorkspaceReports(
            services.store,
            services.clock,
            services.audit,
            new WorkspaceHostnames(flaky),
            services.keyring,
            services.commands,
            services.projects);
    var deleted = report("h1", created, WorkspaceState.DELETED, WorkspaceStep.REMOVED, null, null);

    assertThatThrownBy(() -> reports.apply(deleted)).hasMessageContaining("DNS unavailable");
    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isPresent();

    down.set(false);
    reports.apply(deleted);

    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(resolved()).isEmpty();
  }

  private void running() {
    services.reports.apply(
        report(
            "h1",
            created,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            CONTAINER,
            IP));
  }

  /**
   * The real DNS, where another writer's work ({@code meanwhile}) happens once, right before the
   * first upsert.
   */
  private WorkspaceDns racing(Runnable meanwhile) {
    var raced = new AtomicBoolean();
    return new WorkspaceDns() {
      @Override
      public void upsert(String hostname, String ip) {
        if (raced.compareAndSet(false, true)) {
          meanwhile.run();
        }
        services.dns.upsert(hostname, ip);
      }

      @Override
      public void delete(String hostname, String ip) {
        services.dns.delete(hostname, ip);
      }
    };
  }

  private WorkspaceStatus stopped() {
    return report(
            "h1", created, WorkspaceState.STOPPED, WorkspaceStep.CONTAINER_STOPPED, CONTAINER, null)
        .forOperation(1L, IMAGE)
        .stoppedBecause(WorkspaceStatus.USER);
  }

  private HostInventory inventory(String ip) {
    return HostInventory.of(
        "h1",
        List.of(
            new HostInventory.Entry(
                created.workspaceId(),
                ALICE,
                CONTAINER,
                "running",
                services.clock.instant().minus(Duration.ofMinutes(10)),
                ip,
                true,
                null,
                null)),
        services.clock.instant());
  }

  private Optional<String> resolved() {
    return services.dns.lookup(created.hostname()).map(DnsRecord::ip);
  }
}
