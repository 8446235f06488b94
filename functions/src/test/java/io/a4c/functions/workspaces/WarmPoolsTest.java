package io.a4c.functions.workspaces;

import static io.a4c.functions.workspaces.WorkspaceServices.ALICE;
import static io.a4c.functions.workspaces.WorkspaceServices.IMAGE;
import static io.a4c.functions.workspaces.WorkspaceServices.PARENT;
import static io.a4c.functions.workspaces.WorkspaceServices.PROJECT;
import static io.a4c.functions.workspaces.WorkspaceServices.request;
import static io.a4c.functions.workspaces.WorkspaceServices.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.a4c.events.Arch;
import io.a4c.events.CreateWorkspace;
import io.a4c.events.DeleteWorkspace;
import io.a4c.events.FillPool;
import io.a4c.events.HostCommand;
import io.a4c.events.HostInventory;
import io.a4c.events.PoolMemberStatus;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.projects.Image;
import io.a4c.functions.projects.RegisterImageRequest;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.warmpool.PoolMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Warm pools against Dynoxide and ElasticMQ: the sweep's fill and drain, the hosts' reports, the
 * claim's one conditional write (one member never goes to two creates), and the pools' share of the
 * reconciler. The test plays the hosts.
 */
class WarmPoolsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final String POOL = Image.key(PROJECT, PARENT, Arch.AMD64);

  private WorkspaceServices services;

  @BeforeEach
  void services() {
    services = new WorkspaceServices(dynamo, sqs).withProject(null);
    services.host("h1", 0, 40, List.of(IMAGE));
  }

  /** One sweep's fill, with every member reported ready by its host; returns the fills sent. */
  private List<FillPool> fillAndReport(String hostId) {
    services.pools.maintain();
    List<FillPool> fills = new ArrayList<>();
    for (HostCommand command : services.commandsTo(hostId)) {
      if (command instanceof FillPool fill) {
        fills.add(fill);
        services.pools.apply(
            PoolMemberStatus.ready(
                hostId,
                fill.workspaceId(),
                fill.pool(),
                "c-" + fill.workspaceId(),
                "10.0.0." + fills.size(),
                services.clock.instant()));
      }
    }
    return fills;
  }

  private List<PoolMember> members() {
    return services.poolMembers.members(POOL);
  }

  @Test
  void aSweepFillsThePoolOnTheHostHoldingTheImageAndEachMemberTakesASlot() {
    services.setWarmPool(2);

    var fills = fillAndReport("h1");

    assertThat(fills).hasSize(2);
    assertThat(fills)
        .allSatisfy(
            fill -> {
              assertThat(fill.pool()).isEqualTo(POOL);
              assertThat(fill.spec().imageRef()).isEqualTo(IMAGE);
              assertThat(fill.spec().hostname()).isEqualTo(fill.workspaceId() + ".ws.a4c.internal");
              assertThat(fill.spec().setup()).containsExactly("echo ready");
            });
    assertThat(members()).extracting(PoolMember::state).containsOnly(PoolMember.State.READY);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(2);

    services.pools.maintain();
    assertThat(services.commandsTo("h1")).isEmpty(); // full: nothing more to fill
  }

  @Test
  void aCreateClaimsAReadyMemberKeepingItsIdHostAndSlotAndRefillsThePoolWithoutASweep() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();

    var created = services.create(ALICE);

    assertThat(created.workspaceId()).isEqualTo(member.workspaceId());
    assertThat(created.hostId()).isEqualTo("h1");
    assertThat(created.hostname()).isEqualTo(member.spec().hostname());
    assertThat(services.workspacesHeld(ALICE)).isEqualTo(1);
    var sent = services.commandsTo("h1");
    assertThat(sent).hasSize(2);
    assertThat(sent)
        .filteredOn(CreateWorkspace.class::isInstance)
        .singleElement()
        .isInstanceOfSatisfying(
            CreateWorkspace.class,
            create -> {
              assertThat(create.workspaceId()).isEqualTo(member.workspaceId());
              assertThat(create.userId()).isEqualTo(ALICE);
              assertThat(create.ssh()).isNotNull();
            });
    // The create asked for the member's successor itself: no sweep ran.
    var successor =
        sent.stream()
            .filter(FillPool.class::isInstance)
            .map(FillPool.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(successor.workspaceId()).isNotEqualTo(created.workspaceId());
    assertThat(successor.pool()).isEqualTo(POOL);
    assertThat(successor.spec().imageRef()).isEqualTo(IMAGE);
    assertThat(members())
        .extracting(PoolMember::memberId, PoolMember::state, PoolMember::claimedBy)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                member.workspaceId(), PoolMember.State.CLAIMED, ALICE),
            org.assertj.core.groups.Tuple.tuple(
                successor.workspaceId(), PoolMember.State.FILLING, null));
    // The workspace kept the member's slot; the successor took one of its own.
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(2);

    services.pools.maintain();
    assertThat(services.commandsTo("h1")).as("the pool is at its size").isEmpty();
  }

  @Test
  void aRefillKeepsTheCapacityRuleAFullHostTakesNoSuccessor() {
    services.clock.advance(Duration.ofSeconds(1)); // a newer heartbeat: room for the member only
    services.host("h1", 0, 1, List.of(IMAGE));
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();

    var created = services.create(ALICE);

    assertThat(created.workspaceId()).isEqualTo(member.workspaceId());
    assertThat(services.commandsTo("h1")).singleElement().isInstanceOf(CreateWorkspace.class);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void aMemberOnAHostThatIsDownIsNotClaimedTheCreateIsPlacedOnALiveHost() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    services.clock.advance(services.config.hostStaleAfter().plus(Duration.ofSeconds(1)));
    assertThat(services.hosts.markDown(services.host("h1"))).isTrue();
    services.host("h2", 0, 40, List.of(IMAGE));

    var created = services.create(ALICE);

    assertThat(created.workspaceId()).isNotEqualTo(member.workspaceId());
    assertThat(created.hostId()).isEqualTo("h2");
    assertThat(services.poolMembers.get(POOL, member.workspaceId()).orElseThrow().state())
        .isEqualTo(PoolMember.State.READY);
    assertThat(services.commandsTo("h1")).isEmpty();
  }

  @Test
  void membersOnADrainingHostAreDrainedAndThePoolIsRefilledOnALiveHost() {
    services.setWarmPool(2);
    var drained = fillAndReport("h1").stream().map(FillPool::workspaceId).toList();
    services.host("h2", 0, 40, List.of(IMAGE));
    assertThat(services.hosts.setStatus("h1", HostStatus.ACTIVE, HostStatus.DRAINING)).isTrue();

    services.pools.maintain();

    assertThat(services.commandsTo("h1"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(DeleteWorkspace.class))
        .extracting(HostCommand::workspaceId)
        .containsExactlyInAnyOrderElementsOf(drained);
    assertThat(services.commandsTo("h2"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(FillPool.class));
    assertThat(members()).extracting(PoolMember::hostId).containsOnly("h2");
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    assertThat(services.host("h2").assignedWorkspaces()).isEqualTo(2);
  }

  @Test
  void membersOnAHostThatIsDownAreDrainedTheirRemovalWaitingInItsQueueAndThePoolIsRefilled() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    services.clock.advance(services.config.hostStaleAfter().plus(Duration.ofSeconds(1)));
    assertThat(services.hosts.markDown(services.host("h1"))).isTrue();
    services.host("h2", 0, 40, List.of(IMAGE));

    services.pools.maintain();

    // Read when the host is back: its daemon then removes the container.
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            DeleteWorkspace.class,
            d -> {
              assertThat(d.workspaceId()).isEqualTo(member.workspaceId());
              assertThat(d.userId()).isEqualTo(FillPool.UNCLAIMED);
            });
    assertThat(services.commandsTo("h2")).singleElement().isInstanceOf(FillPool.class);
    assertThat(members()).extracting(PoolMember::hostId).containsOnly("h2");
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
  }

  @Test
  void ofTwoClaimsOfOneMemberOnlyTheFirstCommitsTheSecondFailsItsCondition() {
    services.setWarmPool(1);
    fillAndReport("h1");
    var member = members().getFirst();
    var image =
        services.projects.resolveImage(services.projects.get(PROJECT), PARENT, Arch.AMD64, null);
    var now = services.clock.instant();
    var first =
        Workspace.pending(ALICE, member.memberId(), null, image, "h1", "x.ws.a4c.internal", now);
    var second =
        Workspace.pending("bob", member.memberId(), null, image, "h1", "x.ws.a4c.internal", now);

    services.store.insertClaiming(first, null, 3, services.poolMembers.claim(member, ALICE, now));

    assertThatThrownBy(
            () ->
                services.store.insertClaiming(
                    second, null, 3, services.poolMembers.claim(member, "bob", now)))
        .isInstanceOf(WorkspaceStore.PoolMemberTaken.class);
    assertThat(services.store.get("bob", member.memberId(), true)).isEmpty();
    assertThat(services.workspacesHeld("bob")).isZero();
    assertThat(services.poolMembers.get(POOL, member.memberId()).orElseThrow().claimedBy())
        .isEqualTo(ALICE);
  }

  @Test
  void aMemberStillFillingIsNotClaimedTheCreateIsPlacedAnew() {
    services.setWarmPool(1);
    services.pools.maintain(); // placed, not reported ready
    var filling = members().getFirst();

    var created = services.create(ALICE);

    assertThat(created.workspaceId()).isNotEqualTo(filling.memberId());
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(2);
  }

  @Test
  void twentyConcurrentCreatesEachGetAMemberOfTheirOwn() throws Exception {
    services.setWarmPool(20);
    var memberIds = fillAndReport("h1").stream().map(FillPool::workspaceId).toList();
    List<Callable<WorkspaceView>> creates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String userId = "user" + i;
      creates.add(() -> services.creation.create(user(userId), userId, request(null), null));
    }

    List<WorkspaceView> made = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(20)) {
      for (var future : pool.invokeAll(creates)) {
        made.add(future.get());
      }
    }

    // Every create took a member (one lost to another tries the next), none took one twice.
    var ids = made.stream().map(WorkspaceView::workspaceId).toList();
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(memberIds);
    for (var member : members()) {
      if (memberIds.contains(member.memberId())) {
        assertThat(member.state()).isEqualTo(PoolMember.State.CLAIMED);
        assertThat(services.store.get(member.claimedBy(), member.memberId(), true)).isPresent();
      } else {
        assertThat(member.state()).as("a create's refill").isEqualTo(PoolMember.State.FILLING);
      }
    }
    long refills = members().stream().filter(PoolMember::live).count();
    assertThat(refills).as("never beyond the pool's size").isBetween(1L, 20L);
    // The members' slots, now the workspaces', and one per successor.
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(20 + (int) refills);
  }

  @Test
  void aNewImageDrainsTheOldMembersAndFillsWithTheNewOne() {
    services.setWarmPool(2);
    var old = fillAndReport("h1").stream().map(FillPool::workspaceId).toList();
    services.clock.advance(Duration.ofSeconds(1)); // the newer image completes later
    services.projects.registerImage(
        WorkspaceServices.ADMIN,
        PROJECT,
        new RegisterImageRequest(PARENT, "amd64", "2", "a4c-base:shop-2"));
    services.host("h1", 0, 40, List.of(IMAGE, "a4c-base:shop-2"));

    services.pools.maintain();

    var commands = services.commandsTo("h1");
    assertThat(commands)
        .filteredOn(DeleteWorkspace.class::isInstance)
        .extracting(HostCommand::workspaceId)
        .containsExactlyInAnyOrderElementsOf(old);
    assertThat(commands)
        .filteredOn(DeleteWorkspace.class::isInstance)
        .extracting(c -> ((DeleteWorkspace) c).userId())
        .containsOnly(FillPool.UNCLAIMED);
    assertThat(commands)
        .filteredOn(FillPool.class::isInstance)
        .hasSize(2)
        .allSatisfy(c -> assertThat(((FillPool) c).spec().imageRef()).isEqualTo("a4c-base:shop-2"));
    assertThat(members()).extracting(PoolMember::imageRef).containsOnly("a4c-base:shop-2");
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(2);
  }

  @Test
  void aPoolNoLongerWantedIsDrainedAndUnlisted() {
    services.setWarmPool(2);
    fillAndReport("h1");

    services.setWarmPool(0);
    services.pools.maintain();

    assertThat(services.commandsTo("h1"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(DeleteWorkspace.class));
    assertThat(members()).isEmpty();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
    services.pools.maintain();
    assertThat(services.poolMembers.pools()).isEmpty();
  }

  @Test
  void aHostCounterAlreadyAtZeroDoesNotKeepMembersFromBeingDrained() {
    services.setWarmPool(2);
    fillAndReport("h1");
    // Reset by hand (or the host's item made again): the members' slots are no longer counted.
    dynamo
        .client()
        .updateItem(
            u ->
                u.tableName(services.config.hostsTable())
                    .key(io.a4c.functions.dynamo.A4cTables.HOSTS.key("h1"))
                    .updateExpression("SET assignedWorkspaces = :zero")
                    .expressionAttributeValues(
                        java.util.Map.of(":zero", io.a4c.functions.dynamo.Values.ZERO)));

    services.setWarmPool(0);
    var result = services.pools.maintain();

    assertThat(result.drained()).isEqualTo(2);
    assertThat(members()).isEmpty();
    assertThat(services.commandsTo("h1"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(DeleteWorkspace.class));
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
  }

  /** Puts the project again with a second parent, {@code release}, whose image is completed too. */
  private void addReleaseParent() {
    var config = services.projects.get(PROJECT).config();
    services.projects.put(
        WorkspaceServices.ADMIN,
        PROJECT,
        new io.a4c.functions.projects.ProjectConfig(
            config.source(),
            config.baseImage(),
            config.tools(),
            List.of(PARENT, "release"),
            config.setup(),
            config.workspaceSize(),
            config.quotas(),
            config.recurringBuilds(),
            config.lifecycle(),
            config.builders(),
            config.prefetch(),
            config.warmPool()));
    services.projects.registerImage(
        WorkspaceServices.ADMIN,
        PROJECT,
        new RegisterImageRequest("release", "amd64", "1", "a4c-base:shop-release-1"));
    services.host("h1", 0, 40, List.of(IMAGE, "a4c-base:shop-release-1"));
  }

  /** The partition a query asks for ({@code :p} or {@code :k}), or null for any other call. */
  private static String queried(ClientSpy.Call call) throws ReflectiveOperationException {
    if (!call.is("query") && !call.is("queryPaginator")) {
      return null;
    }
    var values = call.request(QueryRequest.class).expressionAttributeValues();
    var partition = values.containsKey(":p") ? values.get(":p") : values.get(":k");
    return partition == null ? null : partition.s();
  }

  @Test
  void aPoolThatCannotBeReadDoesNotKeepTheOtherPoolsFromTheirMaintenanceAndTheSweepFails() {
    services.setWarmPool(1);
    addReleaseParent();
    // A DynamoDB error on one pool's members, whichever the round takes first, every time it is
    // read: Dynoxide gives no error on one partition on cue.
    var failing = new AtomicReference<String>();
    var broken =
        new WorkspaceServices(
            dynamo,
            sqs,
            client ->
                ClientSpy.on(
                    client,
                    call -> {
                      String partition = queried(call);
                      if (partition != null && partition.startsWith("#pool#")) {
                        failing.compareAndSet(null, partition);
                        if (partition.equals(failing.get())) {
                          throw ProvisionedThroughputExceededException.builder()
                              .message("injected")
                              .build();
                        }
                      }
                      return call.proceed();
                    }));

    var thrown = catchThrowable(broken.pools::maintain);

    String other =
        failing.get().equals("#pool#" + POOL) ? Image.key(PROJECT, "release", Arch.AMD64) : POOL;
    assertThat(services.poolMembers.members(other)).as("the other pool was filled").hasSize(1);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(FillPool.class, fill -> assertThat(fill.pool()).isEqualTo(other));
    assertThat(thrown)
        .as("the sweep counts the failure, once the other pool had its turn")
        .hasMessageContaining("warm pools")
        .hasMessageContaining(failing.get().substring("#pool#".length()));
    // Its error gone, the next round fills the pool that failed.
    assertThat(services.pools.maintain().filled()).isEqualTo(1);
  }

  @Test
  void aPoolWhoseImageCannotBeReadIsLeftAsItIsAndTheOthersAreMaintained() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    addReleaseParent();
    // The newest image of main cannot be read (Dynoxide gives no error on cue): taken for a pool no
    // longer wanted, its member would be drained.
    var broken =
        new WorkspaceServices(
            dynamo,
            sqs,
            client ->
                ClientSpy.on(
                    client,
                    call -> {
                      if (POOL.equals(queried(call))) {
                        throw ProvisionedThroughputExceededException.builder()
                            .message("injected")
                            .build();
                      }
                      return call.proceed();
                    }));

    var thrown = catchThrowable(broken.pools::maintain);

    assertThat(members())
        .singleElement()
        .extracting(PoolMember::memberId, PoolMember::state)
        .containsExactly(member.workspaceId(), PoolMember.State.READY);
    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            FillPool.class,
            fill -> assertThat(fill.pool()).isEqualTo(Image.key(PROJECT, "release", Arch.AMD64)));
    assertThat(thrown).hasMessageContaining("warm pools").hasMessageContaining(POOL);
  }

  @Test
  void aMemberThatCannotBeDrainedDoesNotKeepTheRestOfItsPoolFromBeingDrained() {
    services.setWarmPool(2);
    fillAndReport("h1");
    services.setWarmPool(0);
    // The first member's removal fails (a DynamoDB error Dynoxide gives on no cue); the second's
    // goes through.
    var removals = new AtomicInteger();
    var broken =
        new WorkspaceServices(
            dynamo,
            sqs,
            client ->
                ClientSpy.on(
                    client,
                    call -> {
                      if (call.is("transactWriteItems") && removals.getAndIncrement() == 0) {
                        throw ProvisionedThroughputExceededException.builder()
                            .message("injected")
                            .build();
                      }
                      return call.proceed();
                    }));

    var thrown = catchThrowable(broken.pools::maintain);

    assertThat(members()).hasSize(1);
    assertThat(services.commandsTo("h1")).singleElement().isInstanceOf(DeleteWorkspace.class);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    assertThat(thrown).hasMessageContaining("warm pools");
    assertThat(services.pools.maintain().drained()).isEqualTo(1);
    assertThat(members()).isEmpty();
  }

  /** Removes {@code hostId}'s command queue: its sends fail as a queue SQS refuses. */
  private void dropQueue(String hostId) {
    var client = sqs.client();
    client.deleteQueue(
        d ->
            d.queueUrl(
                client
                    .getQueueUrl(
                        q ->
                            q.queueName(
                                io.a4c.events.HostQueues.commandQueueName(
                                    sqs.hostQueuePrefix(), hostId)))
                    .queueUrl()));
  }

  @Test
  void aClaimWhoseCreateCannotBeSentGivesTheMemberBackReadyWithItsSlotAndCreatesNothing() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    dropQueue("h1");

    assertThatThrownBy(() -> services.create(ALICE))
        .isInstanceOfSatisfying(
            io.a4c.functions.http.ProblemException.class,
            e -> assertThat(e.type()).isEqualTo(io.a4c.functions.http.ProblemType.UNAVAILABLE));

    assertThat(services.reads.list(ALICE, 10, null).items()).isEmpty();
    assertThat(services.workspacesHeld(ALICE)).isZero();
    assertThat(members())
        .as("the member is the pool's again, as it was")
        .singleElement()
        .extracting(PoolMember::memberId, PoolMember::state, PoolMember::claimedBy)
        .containsExactly(member.workspaceId(), PoolMember.State.READY, null);
    assertThat(services.host("h1").assignedWorkspaces())
        .as("the member's slot, still held for its container")
        .isEqualTo(1);
    // The queue back, the next create claims that member.
    services.host("h1", 0, 40, List.of(IMAGE));
    assertThat(services.create(ALICE).workspaceId()).isEqualTo(member.workspaceId());
  }

  @Test
  void aClaimWhoseCreateCannotBeSentNorUndoneIsCompletedByTheSweepOntoItsMember() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    dropQueue("h1");
    // The undo's transaction fails (a DynamoDB error the engine gives on no cue).
    var failingUndo =
        new WorkspaceServices(
            dynamo,
            sqs,
            client ->
                ClientSpy.on(
                    client,
                    call -> {
                      if (call.is("transactWriteItems")
                          && call.request(TransactWriteItemsRequest.class)
                                  .transactItems()
                                  .getFirst()
                                  .delete()
                              != null) {
                        throw ProvisionedThroughputExceededException.builder()
                            .message("injected")
                            .build();
                      }
                      return call.proceed();
                    }));

    assertThatThrownBy(() -> failingUndo.create(ALICE))
        .isInstanceOf(io.a4c.functions.http.ProblemException.class);

    // The record stays, holding the member's slot; the member stays claimed.
    var kept = services.store.get(ALICE, member.workspaceId(), true).orElseThrow();
    assertThat(kept.state()).isEqualTo(io.a4c.events.WorkspaceState.PENDING);
    assertThat(members())
        .singleElement()
        .extracting(PoolMember::state)
        .isEqualTo(PoolMember.State.CLAIMED);
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
    services.host("h1", 0, 40, List.of(IMAGE));
    services.clock.advance(services.config.stuckAfter().plus(Duration.ofSeconds(1)));

    services.stuck.sweep(services.clock.instant().minus(services.config.stuckAfter()));

    assertThat(services.commandsTo("h1"))
        .singleElement()
        .isInstanceOfSatisfying(
            CreateWorkspace.class,
            create -> assertThat(create.workspaceId()).isEqualTo(member.workspaceId()));
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);
  }

  @Test
  void anUndoneClaimWhoseMemberThePoolForgotReleasesTheRecordsSlotForTheStrayContainer() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    var created = services.create(ALICE);
    services.commandsTo("h1");
    var claimed = services.poolMembers.get(POOL, member.workspaceId()).orElseThrow();
    services.poolMembers.forgetClaimed(claimed);
    var stored = services.stored(created);

    assertThat(
            services.store.removeUnclaiming(
                stored, services.poolMembers.unclaim(claimed, ALICE, stored.createdAt())))
        .isTrue();

    assertThat(services.store.get(ALICE, created.workspaceId(), true)).isEmpty();
    assertThat(services.poolMembers.get(POOL, member.workspaceId())).isEmpty();
    assertThat(services.workspacesHeld(ALICE)).isZero();
    assertThat(services.host("h1").assignedWorkspaces())
        .as("only the successor's: the container is a stray now")
        .isEqualTo(1);
  }

  @Test
  void aFailedFillIsRemovedWithItsSlotAndALostOneIsDrainedAfterTheStuckDeadline() {
    services.setWarmPool(2);
    services.pools.maintain();
    var fills = services.commandsTo("h1");
    var failed = fills.getFirst();
    services.pools.apply(
        PoolMemberStatus.failed(
            "h1", failed.workspaceId(), POOL, "setup failed", services.clock.instant()));

    assertThat(members()).extracting(PoolMember::memberId).doesNotContain(failed.workspaceId());
    assertThat(services.host("h1").assignedWorkspaces()).isEqualTo(1);

    services.clock.advance(services.config.stuckAfter().plus(Duration.ofSeconds(1)));
    services.host("h1", 0, 40, List.of(IMAGE));
    services.pools.maintain();

    assertThat(services.commandsTo("h1"))
        .extracting(c -> c.getClass().getSimpleName())
        .containsExactlyInAnyOrder("DeleteWorkspace", "FillPool", "FillPool");
  }

  @Test
  void aFillWhoseCommandCannotBeSentLeavesNothingAndFailsTheSweepUntilItGoes() {
    services.setWarmPool(2);
    WorkspaceDeletionTest.dropCommandQueue(sqs, "h1");

    assertThatThrownBy(services.pools::maintain).hasMessageContaining("pool fill not sent");
    assertThat(members()).isEmpty();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();

    sqs.createHostQueue("h1");
    services.pools.maintain();
    assertThat(services.commandsTo("h1")).hasSize(2).allMatch(FillPool.class::isInstance);
    assertThat(members()).hasSize(2);
  }

  @Test
  void aFillItsHostHasInHandIsWaitedForPastTheStuckDeadlineNotDrained() {
    services.setWarmPool(1);
    services.pools.maintain();
    var fill = services.commandsTo("h1").getFirst();

    // A busy host: the fill takes longer than the deadline, and every beat lists it in hand.
    services.clock.advance(services.config.stuckAfter().plus(Duration.ofSeconds(1)));
    services.hostWorkingOn("h1", List.of(IMAGE), fill.workspaceId());
    services.pools.maintain();

    assertThat(services.commandsTo("h1")).as("no drain, no second fill").isEmpty();
    assertThat(members()).extracting(PoolMember::memberId).containsExactly(fill.workspaceId());

    // Past four deadlines, a fill the host never lets go of is drained as a lost one.
    services.clock.advance(
        services.config.stuckAfter().multipliedBy(StuckWorkspaces.IN_HAND_DEADLINES - 1L));
    services.hostWorkingOn("h1", List.of(IMAGE), fill.workspaceId());
    services.pools.maintain();

    assertThat(services.commandsTo("h1"))
        .extracting(c -> c.getClass().getSimpleName())
        .containsExactlyInAnyOrder("DeleteWorkspace", "FillPool");
  }

  @Test
  void aClaimedMembersContainerStaysTheWorkspacesOnceThePoolHasForgottenTheClaim() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    var created = services.create(ALICE);
    assertThat(created.workspaceId()).isEqualTo(member.workspaceId());
    services.commandsTo("h1");
    // The host has not carried out the claim's create (it was down all the while): its inventory
    // still lists the member unclaimed, and the pool forgets the claim after an hour.
    services.clock.advance(WarmPools.CLAIMED_KEPT.plus(Duration.ofMinutes(1)));
    services.host("h1", 0, 40, List.of(IMAGE));
    services.pools.maintain();
    assertThat(services.poolMembers.get(POOL, member.workspaceId())).isEmpty();
    services.commandsTo("h1");

    services.reconciler.reconcile(
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    member.workspaceId(),
                    FillPool.UNCLAIMED,
                    "c-" + member.workspaceId(),
                    "running",
                    WorkspaceServices.T0,
                    "10.0.0.1",
                    false,
                    null,
                    null,
                    POOL)),
            services.clock.instant()));

    assertThat(services.commandsTo("h1"))
        .filteredOn(DeleteWorkspace.class::isInstance)
        .extracting(HostCommand::workspaceId)
        .doesNotContain(member.workspaceId());
    assertThat(services.store.get(ALICE, member.workspaceId(), true)).isPresent();
  }

  @Test
  void theInventoryRemovesAContainerOfNoMemberAndDrainsAReadyMemberWithoutItsContainer() {
    services.setWarmPool(1);
    var member = fillAndReport("h1").getFirst();
    services.clock.advance(services.config.reconcileGrace().plus(Duration.ofSeconds(1)));
    String orphan = "ws-01jd0000000000000000000099";
    var inventory =
        HostInventory.of(
            "h1",
            List.of(
                new HostInventory.Entry(
                    orphan,
                    FillPool.UNCLAIMED,
                    "c-orphan",
                    "running",
                    WorkspaceServices.T0,
                    "10.0.0.9",
                    false,
                    null,
                    null,
                    POOL)),
            services.clock.instant());

    services.reconciler.reconcile(inventory);

    var sent = services.commandsTo("h1");
    assertThat(sent)
        .filteredOn(DeleteWorkspace.class::isInstance)
        .extracting(HostCommand::workspaceId)
        .containsExactlyInAnyOrder(orphan, member.workspaceId());
    assertThat(services.poolMembers.get(POOL, member.workspaceId())).isEmpty();
    assertThat(services.host("h1").assignedWorkspaces()).isZero();
  }
}
