package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.report;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.DeleteWorkspace;
import io.a4c.events.HostInventory;
import io.a4c.events.RebuildWorkspace;
import io.a4c.events.StartWorkspace;
import io.a4c.events.StopWorkspace;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.projects.RegisterImageRequest;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop, start and rebuild against Dynoxide and ElasticMQ: the records' states, operation numbers,
 * host slots and DNS as the API and the hosts' reports move them, and the reconciler's and
 * sweeper's part. The host side runs on real engines in the local module's tests.
 */
class WorkspaceLifecycleTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final String CONTAINER = "c0ffee";
  private static final String IP = "10.251.1.5";

  private WorkspaceServices services;
  private WorkspaceView created;

  @BeforeEach
  void aRunningWorkspaceOnH1() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 2, List.of(IMAGE));
    created = services.create(ALICE);
    services.commandsTo("h1");
    services.clock.advance(Duration.ofSeconds(1));
    services.reports.apply(
        report(
            "h1",
            created,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            CONTAINER,
            IP));
  }

  @Test
  void aStopStartOrRebuildWhoseCommandCannotBeSentIsAuditedSinceTheSweeperCarriesItOut() {
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");

    assertThatThrownBy(() -> services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOf(ProblemException.class);
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STOPPING);
    assertThat(services.auditedActions(ALICE)).contains("workspace.stop");

    services.put(created, WorkspaceState.STOPPED, WorkspaceStep.CONTAINER_STOPPED);
    assertThatThrownBy(() -> services.lifecycle.start(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOf(ProblemException.class);
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STARTING);
    assertThat(services.auditedActions(ALICE)).contains("workspace.start");

    services.put(created, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    assertThatThrownBy(
            () -> services.lifecycle.rebuild(user(ALICE), ALICE, created.workspaceId(), null))
        .isInstanceOf(ProblemException.class);
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.REBUILDING);
    assertThat(services.auditedActions(ALICE)).contains("workspace.rebuild");
  }

  private WorkspaceStatus stopped(long operation) {
    return WorkspaceStatus.of(
            "h1",
            created.workspaceId(),
            ALICE,
            WorkspaceState.STOPPED,
            WorkspaceStep.CONTAINER_STOPPED,
            CONTAINER,
            null,
            null,
            services.clock.instant())
        .forOperation(operation, IMAGE)
        .stoppedBecause(WorkspaceStatus.USER);
  }

  private WorkspaceStatus running(long operation, String image, String ip) {
    return WorkspaceStatus.of(
            "h1",
            created.workspaceId(),
            ALICE,
            WorkspaceState.RUNNING,
            WorkspaceStep.HOSTNAME_REGISTERED,
            CONTAINER,
            ip,
            null,
            services.clock.instant())
        .forOperation(operation, image);
  }

  private void stop() {
    services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(stopped(1))).isTrue();
    services.commandsTo("h1");
  }

  @Test
  void aStopIsSentWithTheNextOperationAndItsReportFreesTheSlotAndTheName() {
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    assertThat(services.dns.lookup(created.hostname()).map(r -> r.ip())).contains(IP);

    var stopping = services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());

    assertThat(stopping.state()).isEqualTo(WorkspaceState.STOPPING);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            StopWorkspace.class, stop -> assertThat(stop.operation()).isEqualTo(1));
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(stopped(1))).isTrue();

    var view = services.reads.get(ALICE, created.workspaceId());
    assertThat(view.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(view.stoppedReason()).isEqualTo("user");
    assertThat(view.stoppedAt()).isEqualTo(services.clock.instant());
    assertThat(view.ip()).isNull();
    assertThat(view.ssh()).isNull();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    assertThat(services.dns.lookup(created.hostname())).isEmpty();
    assertThat(services.auditedActions(ALICE)).contains("workspace.stop");
  }

  @Test
  void stoppingWhatIsStoppedChangesNothingAndACreatingWorkspaceCannotStop() {
    stop();
    var before = services.stored(created);

    var again = services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());

    assertThat(again.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(services.stored(created)).isEqualTo(before);
    assertThat(services.commandsTo("h1")).isEmpty();

    var other = services.create(ALICE);
    assertThatThrownBy(() -> services.lifecycle.stop(user(ALICE), ALICE, other.workspaceId()))
        .isInstanceOfSatisfying(
            ProblemException.class,
            p -> {
              assertThat(p.type().status()).isEqualTo(409);
              assertThat(p.getMessage()).contains("PENDING").contains("once it is RUNNING");
            });
  }

  @Test
  void aStartTakesTheSlotBackAndRunsWithItsNewAddress() {
    stop();

    var starting = services.lifecycle.start(user(ALICE), ALICE, created.workspaceId());

    assertThat(starting.state()).isEqualTo(WorkspaceState.STARTING);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            StartWorkspace.class, start -> assertThat(start.operation()).isEqualTo(2));
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(running(2, IMAGE, "10.251.1.9"))).isTrue();

    var view = services.reads.get(ALICE, created.workspaceId());
    assertThat(view.state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(view.ip()).isEqualTo("10.251.1.9");
    assertThat(view.stoppedReason()).isNull();
    assertThat(view.lastActiveAt()).isEqualTo(services.clock.instant());
    assertThat(services.dns.lookup(created.hostname()).map(r -> r.ip())).contains("10.251.1.9");
    assertThat(services.lifecycle.start(user(ALICE), ALICE, created.workspaceId()).state())
        .isEqualTo(WorkspaceState.RUNNING);
  }

  @Test
  void aLateReportOfAnEarlierOperationNeverRevivesAStoppedWorkspace() {
    stop();
    var before = services.stored(created);

    assertThat(services.reports.apply(running(0, IMAGE, IP))).isFalse();
    services.lifecycle.start(user(ALICE), ALICE, created.workspaceId());
    var starting = services.stored(created);
    assertThat(services.reports.apply(stopped(1))).isFalse();

    assertThat(before.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(services.stored(created)).isEqualTo(starting);
  }

  @Test
  void aStartOnAFullOrDownHostIsAConflictThatChangesNothing() {
    stop();
    services.create(ALICE);
    services.create(ALICE);
    var before = services.stored(created);

    assertThatThrownBy(() -> services.lifecycle.start(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOfSatisfying(
            ProblemException.class, p -> assertThat(p.reason()).isEqualTo("host-full"));
    assertThat(services.stored(created)).isEqualTo(before);

    services.hosts.markDown(services.host("h1"));
    services.clock.advance(Duration.ofMinutes(1)); // past the host directory's cache
    assertThatThrownBy(() -> services.lifecycle.start(user(ALICE), ALICE, created.workspaceId()))
        .isInstanceOfSatisfying(
            ProblemException.class,
            p -> {
              assertThat(p.reason()).isEqualTo("host-down");
              assertThat(p.getMessage()).contains("h1 is down");
            });
    assertThat(services.stored(created)).isEqualTo(before);
  }

  @Test
  void anIdleStopFromTheHostIsAppliedAuditedAndFreesTheSlot() {
    services.clock.advance(Duration.ofMinutes(31));
    var idle =
        WorkspaceStatus.of(
                "h1",
                created.workspaceId(),
                ALICE,
                WorkspaceState.STOPPED,
                WorkspaceStep.CONTAINER_STOPPED,
                CONTAINER,
                null,
                null,
                services.clock.instant())
            .stoppedBecause(WorkspaceStatus.IDLE);

    assertThat(services.reports.apply(idle)).isTrue();

    var view = services.reads.get(ALICE, created.workspaceId());
    assertThat(view.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(view.stoppedReason()).isEqualTo("idle");
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.auditedActions(ALICE)).contains("workspace.idle-stop");
  }

  @Test
  void aDiskLimitStopFromTheHostIsAppliedWithItsReasonAuditedAndFreesTheSlot() {
    services.clock.advance(Duration.ofMinutes(1));
    var over =
        WorkspaceStatus.of(
                "h1",
                created.workspaceId(),
                ALICE,
                WorkspaceState.STOPPED,
                WorkspaceStep.CONTAINER_STOPPED,
                CONTAINER,
                null,
                "its files outside /home hold 2 GB, over the limit of 1 GB",
                services.clock.instant())
            .stoppedBecause(WorkspaceStatus.DISK_LIMIT);

    assertThat(services.reports.apply(over)).isTrue();

    var view = services.reads.get(ALICE, created.workspaceId());
    assertThat(view.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(view.stoppedReason()).isEqualTo("disk-limit");
    assertThat(view.reason()).contains("over the limit of 1 GB");
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.auditedActions(ALICE)).contains("workspace.disk-limit-stop");
  }

  @Test
  void aRebuildRunsOnTheNewChangeWithANewHostKeyOnlyOnceTheNewImageRuns() {
    String newer = "a4c-test/shop:2";
    services.projects.registerImage(
        WorkspaceServices.ADMIN,
        WorkspaceServices.PROJECT,
        new RegisterImageRequest(WorkspaceServices.PARENT, "amd64", "2", newer));
    String oldKey = services.stored(created).ssh().hostKey();

    var rebuilding = services.lifecycle.rebuild(user(ALICE), ALICE, created.workspaceId(), null);

    assertThat(rebuilding.state()).isEqualTo(WorkspaceState.REBUILDING);
    assertThat(rebuilding.change()).isEqualTo("1");
    var command = (RebuildWorkspace) services.commandsTo("h1").getFirst();
    assertThat(command.spec().imageRef()).isEqualTo(newer);
    assertThat(command.operation()).isEqualTo(1);
    assertThat(command.ssh()).isNotNull();

    // The new image could not be pulled: the old container runs on, as it was.
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(running(1, IMAGE, IP))).isTrue();
    var kept = services.stored(created);
    assertThat(kept.change()).isEqualTo("1");
    assertThat(kept.ssh().hostKey()).isEqualTo(oldKey);

    services.lifecycle.rebuild(user(ALICE), ALICE, created.workspaceId(), "2");
    var second = (RebuildWorkspace) services.commandsTo("h1").getFirst();
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(running(2, newer, IP))).isTrue();

    var rebuilt = services.stored(created);
    assertThat(rebuilt.state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(rebuilt.change()).isEqualTo("2");
    assertThat(rebuilt.imageRef()).isEqualTo(newer);
    assertThat(rebuilt.ssh().hostKey()).isNotEqualTo(oldKey);
    assertThat(rebuilt.ssh().sentKeysRevision()).isEqualTo(second.ssh().keysRevision());
    assertThat(rebuilt.life().rebuild()).isNull();
  }

  @Test
  void aStepOfARebuildArrivingAfterItsRunningReportNeverBeginsItAgain() {
    services.lifecycle.rebuild(user(ALICE), ALICE, created.workspaceId(), null);
    services.clock.advance(Duration.ofSeconds(1));
    assertThat(services.reports.apply(running(1, IMAGE, IP))).isTrue();
    var running = services.stored(created);
    var lateStep =
        WorkspaceStatus.of(
                "h1",
                created.workspaceId(),
                ALICE,
                WorkspaceState.REBUILDING,
                WorkspaceStep.IP_ASSIGNED,
                CONTAINER,
                IP,
                null,
                services.clock.instant())
            .forOperation(1L, null);

    assertThat(services.reports.apply(lateStep)).isFalse();
    assertThat(services.stored(created)).isEqualTo(running);
  }

  @Test
  void aRebuildOntoAChangeThatDoesNotExistChangesNothing() {
    var before = services.stored(created);

    assertThatThrownBy(
            () -> services.lifecycle.rebuild(user(ALICE), ALICE, created.workspaceId(), "404"))
        .isInstanceOf(ProblemException.class);

    assertThat(services.stored(created)).isEqualTo(before);
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void aStartThatStaysStuckEndsStoppedWithItsSlotFree() {
    stop();
    services.lifecycle.start(user(ALICE), ALICE, created.workspaceId());
    for (int i = 0; i <= StuckWorkspaces.MAX_REDRIVES; i++) {
      services.clock.advance(Duration.ofMinutes(20));
      services.stuck.sweep(services.clock.instant().minus(Duration.ofMinutes(15)));
    }

    var view = services.reads.get(ALICE, created.workspaceId());
    assertThat(view.state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(view.reason()).contains("start did not finish");
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.commandsTo("h1"))
        .hasSize(1 + StuckWorkspaces.MAX_REDRIVES)
        .allMatch(StartWorkspace.class::isInstance);
  }

  @Test
  void theReconcilerRecreatesARunningWorkspacesLostContainerAndLeavesAStoppedOneAlone() {
    var other = services.create(ALICE);
    services.put(other, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    stop();
    services.commandsTo("h1");
    services.clock.advance(Duration.ofMinutes(10));
    Instant old = services.clock.instant().minus(Duration.ofMinutes(5));

    services.reconciler.reconcile(
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    created.workspaceId(),
                    ALICE,
                    CONTAINER,
                    "exited",
                    old,
                    null,
                    false,
                    null,
                    null)),
            services.clock.instant(),
            List.of()));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(services.stored(other).state()).isEqualTo(WorkspaceState.REBUILDING);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            RebuildWorkspace.class,
            r -> {
              assertThat(r.workspaceId()).isEqualTo(other.workspaceId());
              assertThat(r.spec().imageRef()).isEqualTo(IMAGE);
            });
    assertThat(services.auditedActions(ALICE)).contains("workspace.recreate");
  }

  @Test
  void theReconcilerStopsARunningContainerOfAStoppedWorkspaceAndFollowsAStoppedOne() {
    var other = services.create(ALICE);
    services.put(other, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    stop();
    services.clock.advance(Duration.ofMinutes(10));
    Instant old = services.clock.instant().minus(Duration.ofMinutes(5));

    services.reconciler.reconcile(
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    created.workspaceId(), ALICE, CONTAINER, "running", old, IP, true, null, null),
                new HostInventory.Entry(
                    other.workspaceId(), ALICE, "other", "exited", old, null, false, null, old)),
            services.clock.instant(),
            List.of()));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STOPPED);
    assertThat(services.stored(other).state()).isEqualTo(WorkspaceState.STOPPING);
    assertThat(services.commandsTo("h1"))
        .extracting(c -> c.getClass().getSimpleName() + " " + c.workspaceId())
        .containsExactlyInAnyOrder(
            "StopWorkspace " + created.workspaceId(), "StopWorkspace " + other.workspaceId());
  }

  @Test
  void theReconcilerLeavesARunningWorkspaceWhoseContainerIsBeingMadeOrRemoved() {
    var other = services.create(ALICE);
    services.put(other, WorkspaceState.RUNNING, WorkspaceStep.HOSTNAME_REGISTERED);
    services.commandsTo("h1");
    services.clock.advance(Duration.ofMinutes(10));
    Instant old = services.clock.instant().minus(Duration.ofMinutes(5));

    // A create the sweep sent again replaces a container its first delivery finished: the engine
    // lists the new one as created, the old one as being removed, each with a stop time of old.
    services.reconciler.reconcile(
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    created.workspaceId(), ALICE, "new", "created", old, null, false, null, old),
                new HostInventory.Entry(
                    other.workspaceId(), ALICE, "old", "removing", old, null, false, null, old)),
            services.clock.instant(),
            List.of()));

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(services.stored(other).state()).isEqualTo(WorkspaceState.RUNNING);
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void anExpiryDecidedBeforeAStartNeverDeletesTheStartedWorkspace() {
    services.setLifecycle(null, 1);
    stop();
    var decided = services.stored(created);
    services.lifecycle.start(user(ALICE), ALICE, created.workspaceId());

    assertThat(services.deletion.deleteIf(WorkspaceServices.ADMIN, decided)).isFalse();

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STARTING);
  }

  @Test
  void aRepeatedStopWhileStoppingSendsItsCommandAgain() {
    services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());
    services.commandsTo("h1");

    var again = services.lifecycle.stop(user(ALICE), ALICE, created.workspaceId());

    assertThat(again.state()).isEqualTo(WorkspaceState.STOPPING);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            StopWorkspace.class, stop -> assertThat(stop.operation()).isEqualTo(1));
  }

  @Test
  void theReconcilerRemovesHomesOfNoRecordAndKeepsAFailedWorkspacesHome() {
    var failed = services.create(ALICE);
    services.put(failed, WorkspaceState.FAILED, WorkspaceStep.SETUP_DONE);
    services.commandsTo("h1");
    services.clock.advance(Duration.ofMinutes(10));
    Instant old = services.clock.instant().minus(Duration.ofMinutes(5));
    String orphan = "ws-01jd0000000000000000000099";

    services.reconciler.reconcile(
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    created.workspaceId(), ALICE, CONTAINER, "running", old, IP, true, null, null),
                new HostInventory.Entry(
                    failed.workspaceId(), ALICE, "dead", "exited", old, null, false, null, null)),
            services.clock.instant(),
            List.of(
                new HostInventory.Home(created.workspaceId(), ALICE, "a4c-home-1", old),
                new HostInventory.Home(failed.workspaceId(), ALICE, "a4c-home-2", old),
                new HostInventory.Home(orphan, ALICE, "a4c-home-" + orphan, old))));

    var deletes =
        services.commandsTo("h1").stream()
            .map(DeleteWorkspace.class::cast)
            .map(d -> d.workspaceId() + " keepHome=" + d.keepsHome())
            .toList();
    assertThat(deletes)
        .containsExactlyInAnyOrder(
            failed.workspaceId() + " keepHome=true", orphan + " keepHome=false");
  }

  @Test
  void aProjectThatDeletesStoppedWorkspacesWarnsADayBeforeThenDeletes() {
    services.setLifecycle(null, 2);
    stop();
    var stopped = services.reads.get(ALICE, created.workspaceId());
    assertThat(stopped.deleteAfter()).isEqualTo(stopped.stoppedAt().plus(Duration.ofDays(2)));

    services.clock.advance(Duration.ofHours(23));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    services.clock.advance(Duration.ofHours(2));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    assertThat(services.auditedActions(ALICE)).contains("workspace.expiry-warning");

    services.clock.advance(Duration.ofDays(1));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 1));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(DeleteWorkspace.class, d -> assertThat(d.keepsHome()).isFalse());
    assertThat(services.auditedActions(ALICE)).contains("workspace.expire");
  }

  @Test
  void anExpiryOfAWorkspaceWhoseHostIsDownIsFinishedByTheStuckSweepGivingItsQuotaBack() {
    services.setLifecycle(null, 1);
    stop();
    services.clock.advance(Duration.ofDays(1));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    services.clock.advance(Duration.ofDays(1));
    services.hosts.markDown(services.host("h1"));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 1));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.workspacesHeld(ALICE)).as("until the host reports").isEqualTo(1);

    var deadline = services.config.stuckAfter();
    services.clock.advance(deadline.plusSeconds(1));
    var swept = services.stuck.sweep(services.clock.instant().minus(deadline));

    assertThat(swept.deleted()).isEqualTo(1);
    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.workspacesHeld(ALICE)).isZero();
  }

  @Test
  void aWorkspaceWhoseWarningCameLateIsDeletedNoSoonerThanADayAfterIt() {
    services.setLifecycle(null, 1);
    stop();
    // No sweep ran while the warning was due (or its email could not be sent): the deadline passed.
    services.clock.advance(Duration.ofDays(3));

    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(1, 0));
    var warned = services.reads.get(ALICE, created.workspaceId());
    assertThat(warned.deleteAfter()).isEqualTo(services.clock.instant().plus(Duration.ofDays(1)));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.STOPPED);

    services.clock.advance(Duration.ofHours(23));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    services.clock.advance(Duration.ofHours(2));
    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 1));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
  }

  @Test
  void anExpiryWhoseDeleteCannotBeSentIsAuditedSinceTheSweeperCarriesItOut() {
    services.setLifecycle(null, 1);
    stop();
    services.clock.advance(Duration.ofDays(2));
    services.expiry.sweep(); // the warning
    services.clock.advance(Duration.ofDays(1));
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");

    // The sweep fails, so that it counts as a sweep error; the record is DELETING all the same.
    assertThatThrownBy(services.expiry::sweep)
        .hasMessageStartingWith("workspace expiry: " + created.workspaceId() + " failed");

    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.DELETING);
    assertThat(services.auditedActions(ALICE)).contains("workspace.expire");
  }

  @Test
  void aStartBeforeTheDeadlineKeepsTheWorkspace() {
    services.setLifecycle(null, 1);
    stop();
    services.lifecycle.start(user(ALICE), ALICE, created.workspaceId());
    services.reports.apply(running(2, IMAGE, IP));

    services.clock.advance(Duration.ofDays(3));

    assertThat(services.expiry.sweep()).isEqualTo(new WorkspaceExpiry.Expired(0, 0));
    assertThat(services.stored(created).state()).isEqualTo(WorkspaceState.RUNNING);
  }

  @Test
  void theSpecCarriesTheProjectsIdleStop() {
    services.setLifecycle(45, null);

    services.create(ALICE);

    var create = (io.a4c.events.CreateWorkspace) services.commandsTo("h1").getFirst();
    assertThat(create.spec().idleStopMinutes()).isEqualTo(45);
  }
}
