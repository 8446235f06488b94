package io.a4c.functions.workspaces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostCommand;
import io.a4c.events.WorkspaceState;
import io.a4c.events.WorkspaceStatus;
import io.a4c.events.WorkspaceStep;
import io.a4c.functions.audit.AuditEntry;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dns.TableWorkspaceDns;
import io.a4c.functions.hosts.Host;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.hosts.HostDirectory;
import io.a4c.functions.hosts.HostSlots;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.hosts.LeastDiskPlacement;
import io.a4c.functions.http.PageTokens;
import io.a4c.functions.projects.ProjectConfig;
import io.a4c.functions.projects.ProjectQuotas;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.projects.ProjectSource;
import io.a4c.functions.projects.RegisterImageRequest;
import io.a4c.functions.projects.TestProjects;
import io.a4c.functions.quotas.Quotas;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.sshca.SshCertificateAuthority;
import io.a4c.functions.sshkeys.SshKeyStore;
import io.a4c.functions.sshkeys.SshKeyring;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestCaKey;
import io.a4c.functions.testing.TestClock;
import io.a4c.functions.warmpool.WarmPoolStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The workspace use cases wired by hand over Dynoxide and ElasticMQ, with a clock the test moves:
 * what {@code FunctionsComponent} builds, without Docker or a host daemon. The test plays the
 * hosts: it sends heartbeats, reads their command queues and sends their reports.
 */
final class WorkspaceServices {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final String PROJECT = "shop";
  static final String PARENT = "main";
  static final String IMAGE = "a4c-base:shop-1";
  static final String ALICE = "alice";
  static final Origin ADMIN = new Origin("root", true, "req-admin", "127.0.0.1");
  static final int DEFAULT_QUOTA = 3;

  final TestClock clock = new TestClock(T0);
  final FunctionsConfig config;
  final HostStore hosts;
  final io.a4c.functions.hosts.HostImageStore hostImages;
  final UsageCounters usage;
  final WorkspaceStore store;
  final ProjectService projects;
  final AuditLog audit;
  final WorkspaceCreation creation;
  final WorkspaceReads reads;
  final WorkspaceDeletion deletion;
  final StuckWorkspaces stuck;
  final WorkspaceReports reports;
  final WorkspaceReconciler reconciler;
  final TableWorkspaceDns dns;
  final WorkspaceCommands commands;
  final SshCertificateAuthority ca;
  final SshKeyStore keys;
  final SshKeyring keyring;
  final WorkspaceKeySync keySync;
  final WorkspaceLifecycle lifecycle;
  final WorkspaceExpiry expiry;
  final WarmPoolStore poolMembers;
  final WarmPools pools;

  private final MessageQueues sqs;
  private final ObjectMapper json = EventJson.newMapper();
  private final HostCommandSender hostCommands;

  WorkspaceServices(DynamoDbEngine dynamo, MessageQueues sqs) {
    this(dynamo, sqs, client -> client);
  }

  /**
   * The services over {@code wrap} of the engine's client: a test's stand-in for DynamoDB faults
   * the engine cannot cause.
   */
  WorkspaceServices(
      DynamoDbEngine dynamo,
      MessageQueues sqs,
      java.util.function.UnaryOperator<software.amazon.awssdk.services.dynamodb.DynamoDbClient>
          wrap) {
    this.sqs = sqs;
    var client = wrap.apply(dynamo.client());
    config = config(dynamo, sqs);
    hosts = new HostStore(client, config.hostsTable());
    hostImages = new io.a4c.functions.hosts.HostImageStore(client, config.hostImagesTable());
    usage = new UsageCounters(client, config.security().usageTable());
    store =
        new WorkspaceStore(
            client,
            config.workspacesTable(),
            usage,
            new HostSlots(config.hostsTable()),
            new IdempotencyKeys(client, config.idempotencyTable()));
    audit = TestAudit.log(client, config, clock);
    projects = TestProjects.service(client, config, clock, audit);
    var directory = new HostDirectory(hosts, hostImages, clock);
    hostCommands = new HostCommandSender(sqs.client(), json, config);
    commands = new WorkspaceCommands(hostCommands, new TimeOrderedIds(clock), config);
    dns = new TableWorkspaceDns(client, config.dns().recordsTable(), clock);
    var hostnames = new WorkspaceHostnames(dns);
    keys = new SshKeyStore(client, config.sshKeysTable());
    keyring = new SshKeyring(keys);
    ca = new SshCertificateAuthority(config, () -> null, clock);
    poolMembers =
        new WarmPoolStore(client, config.workspacesTable(), new HostSlots(config.hostsTable()));
    pools =
        new WarmPools(
            poolMembers,
            TestProjects.store(client, config),
            TestProjects.images(client, config),
            hosts,
            hostImages,
            new LeastDiskPlacement(config),
            hostCommands,
            new TimeOrderedIds(clock),
            clock,
            config);
    creation =
        new WorkspaceCreation(
            store,
            hosts,
            hostImages,
            projects,
            new LeastDiskPlacement(config),
            commands,
            new TimeOrderedIds(clock),
            clock,
            config,
            new Quotas(config),
            usage,
            audit,
            new WorkspaceSshAccess(ca, keyring),
            pools,
            poolMembers);
    reads = new WorkspaceReads(store, directory, new PageTokens(config));
    keySync = new WorkspaceKeySync(store, commands, keys, keyring);
    deletion = new WorkspaceDeletion(store, commands, clock, audit, hostnames, directory);
    stuck =
        new StuckWorkspaces(
            store,
            directory,
            projects,
            commands,
            clock,
            hostnames,
            new WorkspaceSshAccess(ca, keyring));
    reports = new WorkspaceReports(store, clock, audit, hostnames, keyring, commands, projects);
    lifecycle =
        new WorkspaceLifecycle(
            store,
            commands,
            directory,
            projects,
            new WorkspaceSshAccess(ca, keyring),
            clock,
            audit);
    expiry =
        new WorkspaceExpiry(
            store,
            deletion,
            new WorkspaceNotifier(
                new io.a4c.functions.email.PlainEmails(
                    software.amazon.awssdk.services.sesv2.SesV2Client.builder()
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        // Never called: these tests' users have no email address.
                        .endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                        .credentialsProvider(
                            software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider
                                .create())
                        .build(),
                    config)),
            audit,
            clock);
    reconciler = reconciler(hostnames);
  }

  /** A reconciler as {@link #reconciler}, writing hostnames through {@code hostnames}. */
  WorkspaceReconciler reconciler(WorkspaceHostnames hostnames) {
    return new WorkspaceReconciler(
        store,
        hostCommands,
        new TimeOrderedIds(clock),
        clock,
        config,
        hostnames,
        lifecycle,
        commands,
        projects,
        audit,
        pools);
  }

  private static FunctionsConfig config(DynamoDbEngine dynamo, MessageQueues sqs) {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.putAll(dynamo.tableSettings());
    env.put(FunctionsEnv.SSH_CA_KEY_FILE, TestCaKey.temporary().toString());
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, sqs.hostQueuePrefix());
    env.put(FunctionsEnv.MAX_WORKSPACES_PER_USER, Integer.toString(DEFAULT_QUOTA));
    return FunctionsConfig.fromEnvironment(env);
  }

  /** Project {@link #PROJECT} with image {@link #IMAGE} of parent {@link #PARENT}, amd64. */
  WorkspaceServices withProject(Integer maxWorkspacesPerUser) {
    projects.put(
        ADMIN,
        PROJECT,
        new ProjectConfig(
            new ProjectSource("git", null, "https://git.example/shop.git"),
            "debian:12",
            List.of(),
            List.of(PARENT),
            List.of("echo ready"),
            null,
            maxWorkspacesPerUser == null ? null : new ProjectQuotas(maxWorkspacesPerUser, null),
            null,
            null,
            null,
            null,
            null));
    projects.registerImage(ADMIN, PROJECT, new RegisterImageRequest(PARENT, "amd64", "1", IMAGE));
    return this;
  }

  /** Puts the project again with {@code lifecycle} settings (null: the default). */
  void setLifecycle(Integer idleStopMinutes, Integer deleteAfterStoppedDays) {
    var config = projects.get(PROJECT).config();
    projects.put(
        ADMIN,
        PROJECT,
        new ProjectConfig(
            config.source(),
            config.baseImage(),
            config.tools(),
            config.parents(),
            config.setup(),
            config.workspaceSize(),
            config.quotas(),
            config.recurringBuilds(),
            new io.a4c.functions.projects.ProjectLifecycle(idleStopMinutes, deleteAfterStoppedDays),
            config.builders(),
            config.prefetch(),
            config.warmPool()));
  }

  /** Puts the project again keeping a warm pool of {@code size} (0: none). */
  void setWarmPool(int size) {
    var config = projects.get(PROJECT).config();
    projects.put(
        ADMIN,
        PROJECT,
        new ProjectConfig(
            config.source(),
            config.baseImage(),
            config.tools(),
            config.parents(),
            config.setup(),
            config.workspaceSize(),
            config.quotas(),
            config.recurringBuilds(),
            config.lifecycle(),
            config.builders(),
            config.prefetch(),
            new io.a4c.functions.projects.WarmPool(size)));
  }

  /** A heartbeat of an amd64 host with its command queue (created the first time). */
  void host(String hostId, long diskUsedBytes, int capacity, List<String> images) {
    sqs.createHostQueue(hostId);
    hostWithoutQueue(hostId, diskUsedBytes, capacity, images);
  }

  /** A heartbeat of an amd64 host whose command queue does not exist. */
  void hostWithoutQueue(String hostId, long diskUsedBytes, int capacity, List<String> images) {
    beat(hostId, diskUsedBytes, capacity, images, List.of());
  }

  /** A heartbeat of an amd64 host whose daemon has the commands of {@code inHand} in hand. */
  void hostWorkingOn(String hostId, List<String> images, String... inHand) {
    beat(hostId, 0, 40, images, List.of(inHand));
  }

  private void beat(
      String hostId, long diskUsedBytes, int capacity, List<String> images, List<String> inHand) {
    var beat =
        Heartbeat.of(
                hostId,
                Arch.AMD64,
                diskUsedBytes,
                1_000L << 30,
                images,
                capacity,
                0,
                clock.instant())
            .withWorkingOn(inHand);
    hosts.applyHeartbeat(beat, clock.instant());
    hostImages.index(beat, clock.instant()); // as the host-events consumer does (HostService)
  }

  Host host(String hostId) {
    return hosts.all().stream().filter(h -> h.hostId().equals(hostId)).findFirst().orElseThrow();
  }

  static CreateWorkspaceRequest request(String name) {
    return new CreateWorkspaceRequest(PROJECT, PARENT, "amd64", name, null);
  }

  static Origin user(String userId) {
    return new Origin(userId, false, "req-" + userId, "127.0.0.1");
  }

  /** Creates a workspace of {@code userId} (no idempotency key). */
  WorkspaceView create(String userId) {
    return creation.create(user(userId), userId, request(null), null);
  }

  /** The workspace as stored now. */
  Workspace stored(WorkspaceView view) {
    return store.get(view.userId(), view.workspaceId(), true).orElseThrow();
  }

  /** Writes the stored workspace into {@code state} at {@code step}, as reports would have. */
  Workspace put(WorkspaceView view, WorkspaceState state, WorkspaceStep step) {
    var current = stored(view);
    var next = current.moved(state, step, null, clock.instant());
    if (!store.replace(current, next)) {
      throw new IllegalStateException("the workspace changed under the test");
    }
    return next;
  }

  /** What the host {@code hostId} reports about a workspace. */
  static WorkspaceStatus report(
      String hostId,
      WorkspaceView workspace,
      WorkspaceState state,
      WorkspaceStep step,
      String containerId,
      String ip) {
    return WorkspaceStatus.of(
        hostId,
        workspace.workspaceId(),
        workspace.userId(),
        state,
        step,
        containerId,
        ip,
        state == WorkspaceState.FAILED ? "setup failed" : null,
        T0);
  }

  /** Takes the commands now on {@code hostId}'s queue, oldest first. */
  List<HostCommand> commandsTo(String hostId) {
    return sqs.receiveFromHost(hostId).stream().map(this::command).toList();
  }

  private HostCommand command(String body) {
    try {
      return json.readValue(body, HostCommand.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable command: " + body, e);
    }
  }

  /** The actions audited on {@code userId}'s resources, in no particular order. */
  List<String> auditedActions(String userId) {
    return audit.page(userId, 100, null).items().stream().map(AuditEntry::action).toList();
  }

  List<AuditEntry> audited(String userId) {
    return audit.page(userId, 100, null).items();
  }

  long workspacesHeld(String userId) {
    return usage.current(userId, UsageCounters.Counter.WORKSPACES);
  }
}
