package io.a4c.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.a4c.daemon.HostDaemon;
import io.a4c.daemon.HostDaemonComponent;
import io.a4c.daemon.builds.BuildWorker;
import io.a4c.daemon.config.DaemonConfig;
import io.a4c.daemon.config.DaemonEnv;
import io.a4c.daemon.docker.DockerClients;
import io.a4c.daemon.registry.RegistryCredentials;
import io.a4c.events.Arch;
import io.a4c.events.EventJson;
import io.a4c.events.HostQueues;
import io.a4c.functions.FunctionsComponent;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dns.TableWorkspaceDns;
import io.a4c.functions.http.ApiRoutes;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * All of A4C on one machine: the AWS stand-ins ({@link LocalEmulators}: Dynoxide as a child
 * process, ElasticMQ in-process), the functions behind a local API Gateway stand-in, an SQS poller
 * per consumer, and a host daemon per Docker engine. Starts in dependency order; a failure part-way
 * closes what had started.
 */
public final class LocalRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRuntime.class);
  static final String REGION = "us-east-1";
  static final String HOST_EVENTS_QUEUE = "a4c-host-events";
  static final String HOST_QUEUE_PREFIX = "a4c-host-";

  /** Receives before a host event is parked in its dead-letter queue, as in AWS. */
  static final int HOST_EVENTS_MAX_RECEIVES = 5;

  private final LocalConfig config;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Map<String, HostDaemon> daemons = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, BuildWorker> builders = new java.util.concurrent.ConcurrentHashMap<>();
  private String hostEventsUrl;
  private LocalBuilds builds;
  private LocalEmulators emulators;
  private ApiGatewayServer gateway;
  private LocalTokens tokens;
  private LocalDnsServer dns;
  private Optional<RegistryCredentials> registryCredentials = Optional.empty();
  private volatile boolean healthy;

  /** Each host's event key: its daemon signs with it, the consumer checks with it. */
  private final Map<String, byte[]> hostEventKeys = new java.util.LinkedHashMap<>();

  private LocalRuntime(LocalConfig config) {
    this.config = config;
  }

  /**
   * Starts everything.
   *
   * @throws IllegalStateException when a Docker engine does not answer (the message names it)
   */
  public static LocalRuntime start(LocalConfig config) throws Exception {
    var runtime = new LocalRuntime(config);
    try {
      runtime.startAll();
      return runtime;
    } catch (Exception e) {
      runtime.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    registryCredentials = LocalRegistryCredentials.read(config.builds());
    checkEngines();
    emulators = LocalEmulators.start(config.dataDir(), config.emulators());
    started.push(emulators);
    SqsClient sqsClient = newSqsClient();
    started.push(sqsClient);
    hostEventsUrl = createHostEventsQueue(sqsClient);
    // What the stack makes in AWS: the FIFO dead-letter queue every daemon points its command
    // queue at (it must exist before a daemon starts).
    sqsClient.createQueue(
        b ->
            b.queueName(HostQueues.commandDeadLetterQueueName(HOST_QUEUE_PREFIX))
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")));
    builds = LocalBuilds.prepare(config, sqsClient);
    started.push(builds);

    // Kept in the data directory: events a host signed before a crash wait on the durable queue.
    for (String hostId : config.dockerHosts().keySet()) {
      hostEventKeys.put(hostId, LocalSecrets.hostEventKey(config.dataDir(), hostId));
    }
    FunctionsConfig functionsConfig = functionsConfig();
    FunctionsComponent functions = FunctionsComponent.create(functionsConfig, Clock.systemUTC());
    startDns(functionsConfig);
    ObjectMapper json = EventJson.newMapper();
    tokens = tokens(config.tokens());
    gateway =
        new ApiGatewayServer(
            config.port(),
            Map.of(
                ApiRoutes.Function.WORKSPACES, functions.workspacesApi(),
                ApiRoutes.Function.ADMIN, functions.adminApi(),
                ApiRoutes.Function.IMAGE_SCHEDULES, functions.imageSchedulesApi(),
                ApiRoutes.Function.SSH_KEYS, functions.sshKeysApi()),
            tokens,
            json,
            () -> healthy);
    gateway.start();
    started.push(gateway);

    var poller =
        new SqsEventSourcePoller(
            sqsClient,
            hostEventsUrl,
            "arn:aws:sqs:" + REGION + ":000000000000:" + HOST_EVENTS_QUEUE,
            functions.hostEventsConsumer()::handle,
            config.timings().pollWait());
    poller.start(2);
    started.push(poller);
    builds.start(functions, sqsClient);

    // What the EventBridge rate rule does in AWS: run the sweeper now and then.
    var sweeps =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sweeper").factory());
    var sweeper = functions.sweeper();
    sweeps.scheduleWithFixedDelay(
        () -> {
          try {
            sweeper.sweep();
          } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("sweep failed");
          }
        },
        config.timings().sweep().toMillis(),
        config.timings().sweep().toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    started.push(sweeps::shutdownNow);

    for (String hostId : config.dockerHosts().keySet()) {
      startDaemon(hostId, io.a4c.daemon.workspaces.StepObserver.NONE);
    }
    awaitFirstHeartbeats();
    healthy = true;
    log.atInfo()
        .addKeyValue("url", baseUri())
        .addKeyValue("hosts", config.dockerHosts().keySet())
        .addKeyValue("dynamoDb", emulators.dynamoDbEndpoint())
        .addKeyValue("sqs", emulators.sqsEndpoint())
        .addKeyValue("dns", "127.0.0.1:" + dns.port())
        .log("A4C local runtime is up");
  }

  /** How long start waits for each host's first heartbeat to be recorded. */
  private static final java.time.Duration FIRST_HEARTBEAT_WAIT = java.time.Duration.ofSeconds(10);

  /**
   * Waits until every host's first heartbeat is recorded, with the images it holds (a host's item
   * appears once its images are indexed), so that a create right after start finds the hosts; one
   * that takes longer than {@link #FIRST_HEARTBEAT_WAIT} is logged and not waited for.
   */
  private void awaitFirstHeartbeats() throws InterruptedException {
    try (DynamoDbClient dynamo = emulators.dynamoDbClient()) {
      var hosts = new io.a4c.functions.hosts.HostStore(dynamo, LocalTables.HOSTS);
      long deadline = System.nanoTime() + FIRST_HEARTBEAT_WAIT.toNanos();
      for (String hostId : config.dockerHosts().keySet()) {
        while (!hosts.exists(hostId)) {
          if (System.nanoTime() > deadline) {
            log.atWarn()
                .addKeyValue("hostId", hostId)
                .log("no heartbeat recorded yet; the host takes workspaces once it is");
            break;
          }
          Thread.sleep(25);
        }
      }
    }
  }

  /**
   * The DNS server for workspace hostnames, answering from the records table the functions write
   * (they have no Route 53 zone here).
   */
  private void startDns(FunctionsConfig functionsConfig) throws java.io.IOException {
    DynamoDbClient dynamo = emulators.dynamoDbClient();
    started.push(dynamo);
    var records =
        new TableWorkspaceDns(dynamo, functionsConfig.dns().recordsTable(), Clock.systemUTC());
    dns =
        LocalDnsServer.start(config.dnsPort(), functionsConfig.workspaceDomain(), records::lookup);
    started.push(dns);
  }

  private void checkEngines() {
    for (var host : config.dockerHosts().entrySet()) {
      try (var docker = DockerClients.connect(host.getValue())) {
        docker.pingCmd().exec();
      } catch (Exception e) {
        throw new IllegalStateException(
            "host "
                + host.getKey()
                + ": no Docker engine answers at "
                + host.getValue()
                + " (start dockerd, or set "
                + LocalEnv.DOCKER_HOSTS
                + "; ./a4c run starts one for you)",
            e);
      }
    }
  }

  private FunctionsConfig functionsConfig() {
    var env = new java.util.HashMap<>(emulators.engineEnvironment());
    env.putAll(
        Map.ofEntries(
            Map.entry(
                FunctionsEnv.MAX_WORKSPACES_PER_USER,
                Integer.toString(config.maxWorkspacesPerUser())),
            // ElasticMQ stamps no sender on a message: hosts sign their events instead.
            Map.entry(FunctionsEnv.HOST_AUTH, "signature"),
            Map.entry(FunctionsEnv.HOST_EVENT_KEYS, hostEventKeysSetting()),
            Map.entry(FunctionsEnv.HOST_QUEUE_PREFIX, HOST_QUEUE_PREFIX),
            Map.entry(
                FunctionsEnv.HOST_STALE_AFTER_SECONDS,
                Long.toString(config.timings().hostStaleAfter().toSeconds())),
            Map.entry(
                FunctionsEnv.RECONCILE_GRACE_SECONDS,
                Long.toString(Math.max(1, config.timings().reconcileGrace().toSeconds()))),
            Map.entry(
                FunctionsEnv.HOST_HEARTBEAT_SECONDS,
                Long.toString(config.timings().heartbeat().toSeconds())),
            Map.entry(
                FunctionsEnv.HOST_DOWN_AFTER_MISSED_BEATS,
                Long.toString(
                    Math.max(
                        1,
                        config.timings().hostStaleAfter().toSeconds()
                            / Math.max(1, config.timings().heartbeat().toSeconds())))),
            Map.entry(
                FunctionsEnv.STUCK_AFTER_SECONDS,
                Long.toString(config.timings().stuckAfter().toSeconds()))));
    env.putAll(builds.functionsEnvironment());
    // The user's default idle stop and workspace domain, as a deployment's functions read them.
    env.putAll(config.functionsSettings());
    return FunctionsConfig.fromEnvironment(env);
  }

  private LocalTokens tokens(LocalConfig.TokenSettings settings) throws java.io.IOException {
    if (settings.issuer().isEmpty()) {
      return LocalTokens.development(config.dataDir(), Clock.systemUTC());
    }
    return LocalTokens.issuer(
        settings.issuer().get(),
        settings.jwksUrl().orElseThrow().toURL(),
        settings.audience(),
        Clock.systemUTC());
  }

  private String hostEventKeysSetting() {
    var entries = new ArrayList<String>();
    hostEventKeys.forEach(
        (host, key) -> entries.add(host + "=" + java.util.Base64.getEncoder().encodeToString(key)));
    return String.join(",", entries);
  }

  /**
   * A local daemon's configuration, read as a bare-metal daemon reads its environment ({@link
   * DaemonConfig#fromEnvironment}): the user's {@code A4C_*} settings (say {@code
   * A4C_HOST_CAPACITY}) hold here as on a host, and the runtime sets what it owns — the host's id,
   * engine, queues, endpoints and event key, and the timings it has read under the same names.
   */
  /**
   * The host-events queue with its dead-letter queue, as in AWS: an event the consumer cannot read
   * (or keeps failing) is parked in {@code a4c-host-events-dlq} after {@link
   * #HOST_EVENTS_MAX_RECEIVES} receives. A queue kept from an earlier run takes this run's policy.
   */
  private static String createHostEventsQueue(SqsClient sqs) {
    String dlqUrl = sqs.createQueue(b -> b.queueName(HOST_EVENTS_QUEUE + "-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    var attributes =
        Map.of(
            QueueAttributeName.REDRIVE_POLICY,
            "{\"deadLetterTargetArn\":\""
                + dlqArn
                + "\",\"maxReceiveCount\":\""
                + HOST_EVENTS_MAX_RECEIVES
                + "\"}");
    try {
      return sqs.createQueue(b -> b.queueName(HOST_EVENTS_QUEUE).attributes(attributes)).queueUrl();
    } catch (QueueNameExistsException e) {
      String url = sqs.getQueueUrl(b -> b.queueName(HOST_EVENTS_QUEUE)).queueUrl();
      sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
      return url;
    }
  }

  private DaemonConfig daemonConfig(String hostId, String dockerHost, String hostEventsUrl) {
    var env = new java.util.HashMap<>(config.daemonSettings());
    env.putAll(
        Map.ofEntries(
            Map.entry(DaemonEnv.HOST_ID, hostId),
            Map.entry(DaemonEnv.DOCKER_HOST, dockerHost),
            Map.entry(DaemonEnv.HOST_EVENTS_QUEUE_URL, hostEventsUrl),
            Map.entry(DaemonEnv.HOST_QUEUE_PREFIX, HOST_QUEUE_PREFIX),
            Map.entry(DaemonEnv.HEARTBEAT_SECONDS, seconds(config.timings().heartbeat())),
            Map.entry(
                DaemonEnv.DATA_DIR, config.dataDir().resolve("hosts").resolve(hostId).toString()),
            Map.entry(DaemonEnv.POLL_WAIT_SECONDS, seconds(config.timings().pollWait())),
            Map.entry(DaemonEnv.RECONCILE_SECONDS, seconds(config.timings().reconcileInterval())),
            Map.entry(
                DaemonEnv.COMMAND_VISIBILITY_SECONDS,
                seconds(config.timings().commandVisibility())),
            Map.entry(DaemonEnv.AWS_REGION, REGION),
            Map.entry(DaemonEnv.SQS_ENDPOINT, emulators.sqsEndpoint().toString()),
            Map.entry(
                DaemonEnv.EVENT_KEY,
                java.util.Base64.getEncoder().encodeToString(hostEventKeys.get(hostId)))));
    env.putAll(builds.daemonEnvironment());
    // hK's workspaces on 10.251.K.0/24, which engines.sh routes from the developer's namespace.
    FleetSubnets.of(hostId).ifPresent(subnet -> env.put(DaemonEnv.WORKSPACE_SUBNET, subnet));
    DaemonConfig daemon = DaemonConfig.fromEnvironment(env);
    // As AWS hosts send their ECR token: with each push and pull, never a `docker login`.
    return registryCredentials.map(daemon::withRegistryCredentials).orElse(daemon);
  }

  private static String seconds(java.time.Duration duration) {
    return Long.toString(duration.toSeconds());
  }

  /** The HTTP API's base URI, e.g. {@code http://127.0.0.1:8080}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + gateway.port());
  }

  /** The DNS server's port on 127.0.0.1 (UDP and TCP), where workspace hostnames resolve. */
  public int dnsPort() {
    return dns.port();
  }

  /** A new client of the local DynamoDB engine, Dynoxide (the caller closes it). */
  public DynamoDbClient newDynamoDbClient() {
    return emulators.dynamoDbClient();
  }

  /** A new client of the embedded ElasticMQ, fit for long polls (the caller closes it). */
  public SqsClient newSqsClient() {
    return emulators.sqsClient(config.timings().pollWait().plusSeconds(10));
  }

  /** The local DynamoDB engine's (Dynoxide's) endpoint. */
  public URI dynamoDbEndpoint() {
    return emulators.dynamoDbEndpoint();
  }

  /** ElasticMQ's endpoint. */
  public URI sqsEndpoint() {
    return emulators.sqsEndpoint();
  }

  /**
   * The credentials the daemons send to the repository's registry (tests read the registry with
   * them); empty when it needs none.
   */
  public Optional<RegistryCredentials> registryCredentials() {
    return registryCredentials;
  }

  /**
   * A host's event key (tests sign impersonating events, or replay a host's own report, with it).
   */
  public byte[] hostEventKey(String hostId) {
    return hostEventKeys.get(hostId).clone();
  }

  /** The host-events queue's URL (tests send forged events to it). */
  public String hostEventsQueueUrl() {
    return hostEventsUrl;
  }

  /** A development token, as {@code POST /local/tokens} mints. */
  public String mintToken(String subject, boolean admin) {
    return tokens.mint(subject, admin);
  }

  /**
   * Starts the daemon of one of the configured hosts.
   *
   * @param observer told of every completed create step (fault-injection tests)
   */
  public synchronized HostDaemon startDaemon(
      String hostId, io.a4c.daemon.workspaces.StepObserver observer) {
    if (daemons.containsKey(hostId)) {
      throw new IllegalStateException("the daemon of " + hostId + " runs already");
    }
    String endpoint = config.dockerHosts().get(hostId);
    var component =
        HostDaemonComponent.create(daemonConfig(hostId, endpoint, hostEventsUrl), observer);
    HostDaemon daemon = component.daemon();
    daemon.start();
    started.push(daemon);
    daemons.put(hostId, daemon);
    // The same process is the host's builder too: it starts and dies with the daemon.
    BuildWorker builder = component.buildWorker();
    builder.start();
    started.push(builder);
    builders.put(hostId, builder);
    return daemon;
  }

  /**
   * Stops one host's daemon as if its process died: commands it had taken stay invisible on the
   * queue until their visibility timeout, then return for the next daemon of that host.
   */
  public synchronized void stopDaemon(String hostId) {
    HostDaemon daemon = daemons.remove(hostId);
    BuildWorker builder = builders.remove(hostId);
    if (builder != null) {
      builder.kill();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  /** The running host daemons by host id. */
  public Map<String, HostDaemon> daemons() {
    return Map.copyOf(daemons);
  }

  /** The builder role of each running host daemon, in the order of {@code A4C_DOCKER_HOSTS}. */
  public List<BuildWorker> builders() {
    return config.dockerHosts().keySet().stream()
        .map(builders::get)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** The builder role of one host's daemon. */
  public BuildWorker builder(String hostId) {
    return builders.get(hostId);
  }

  /** The SES endpoint; {@code GET <endpoint>/store} lists the emails it received. */
  public URI sesEndpoint() {
    return builds.sesEndpoint();
  }

  /** The Lambda Invoke stand-in the builders call the build-claim function through. */
  public URI lambdaEndpoint() {
    return builds.lambdaEndpoint();
  }

  /** The URL of the build queue of {@code arch}. */
  public String buildQueueUrl(Arch arch) {
    return builds.queueUrl(arch);
  }

  /** The URL of the dead-letter queue of {@code arch}'s build queue. */
  public String buildDeadLetterQueueUrl(Arch arch) {
    return builds.deadLetterQueueUrl(arch);
  }

  /** The configuration it runs with. */
  public LocalConfig config() {
    return config;
  }

  @Override
  public void close() {
    healthy = false;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.atWarn().setCause(e).log("shutdown step failed");
      }
    }
  }
}
