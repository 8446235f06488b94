package io.a4c.infra.functions;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.infra.config.DeployContext;
import io.a4c.infra.config.EnvSettings;
import io.a4c.infra.dns.WorkspaceZone;
import io.a4c.infra.email.EmailSending;
import io.a4c.infra.queues.Queues;
import io.a4c.infra.tables.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeySpec;
import software.amazon.awscdk.services.kms.KeyUsage;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The Lambda functions: one shaded jar, one function per handler class, each published as a version
 * with SnapStart and reached only through its {@value #LIVE_ALIAS} alias (API routes, the queue
 * mapping and the schedules all point at the alias, never at {@code $LATEST}, which SnapStart does
 * not cover).
 *
 * <p>Every function gets the same environment, because the functions read one configuration record
 * that checks all of it at start-up. Permissions differ: each function is granted what its feature
 * touches, and nothing that another feature's function needs.
 */
public final class LambdaFunctions extends Construct {
  /** The alias every trigger invokes. */
  public static final String LIVE_ALIAS = "live";

  /**
   * The variable the functions read the deployment's default idle stop from (minutes; 0: never),
   * for projects whose {@code lifecycle} sets none: the workspaces API puts it in every create's
   * and rebuild's spec, the admin API shows it.
   */
  public static final String IDLE_STOP_MINUTES_ENV = FunctionsEnv.IDLE_STOP_MINUTES;

  public static final String WORKSPACES_API = "io.a4c.functions.workspaces.WorkspacesApiFunction";
  public static final String ADMIN_API = "io.a4c.functions.admin.AdminApiFunction";
  public static final String IMAGE_SCHEDULES_API =
      "io.a4c.functions.builds.ImageSchedulesApiFunction";
  public static final String SSH_KEYS_API = "io.a4c.functions.sshkeys.SshKeysApiFunction";
  public static final String HOST_EVENTS = "io.a4c.functions.hostevents.HostEventsFunction";
  public static final String RECURRING_BUILDS = "io.a4c.functions.builds.RecurringBuildsFunction";
  public static final String SWEEPER = "io.a4c.functions.sweeper.SweeperFunction";
  public static final String BUILD_CLAIM = "io.a4c.functions.builds.BuildClaimFunction";
  public static final String BUILD_DEAD_LETTERS =
      "io.a4c.functions.builds.BuildDeadLettersFunction";

  private static final Duration API_TIMEOUT = Duration.seconds(10);
  private static final Duration SCHEDULED_TIMEOUT = Duration.seconds(60);
  private static final String SNAPSTART_WARNING = "@aws-cdk/aws-lambda:snapStartRequirePublish";

  private final EnvSettings settings;
  private final Code code;
  private final Map<String, String> environment;
  private final Alias workspacesApi;
  private final Alias adminApi;
  private final Alias imageSchedulesApi;
  private final Alias sshKeysApi;
  private final Alias hostEvents;
  private final Alias recurringBuilds;
  private final Alias sweeper;
  private final List<Function> all = new java.util.ArrayList<>();
  private final Secret pageTokenKey;
  private final Key sshCa;
  private final Alias buildClaim;
  private final Alias buildDeadLetters;

  public LambdaFunctions(
      Construct scope,
      String id,
      DeployContext context,
      Code code,
      Tables tables,
      Queues queues,
      EmailSending email,
      WorkspaceZone dns) {
    super(scope, id);
    this.settings = context.settings();
    this.code = code;
    // Seals pagination tokens (A4C_PAGE_TOKEN_KEY): 64 letters and digits, which read as base64
    // are a 48-byte HMAC key. CloudFormation resolves the reference at deploy time.
    this.pageTokenKey =
        Secret.Builder.create(this, "PageTokenKey")
            .description("A4C " + settings.name() + ": HMAC key of pagination tokens")
            .generateSecretString(
                SecretStringGenerator.builder()
                    .passwordLength(64)
                    .excludePunctuation(true)
                    .includeSpace(false)
                    .build())
            .removalPolicy(settings.removalPolicy())
            .build();
    // The SSH certificate authority (A4C_SSH_CA_KMS_KEY_ID): a P-256 signing key that KMS never
    // releases; the functions that make workspaces' host certificates may Sign and GetPublicKey
    // with it, nothing more. Retained: the known_hosts line users hold names its public key.
    this.sshCa =
        Key.Builder.create(this, "SshCertificateAuthority")
            .description("A4C " + settings.name() + ": SSH CA that signs workspace host keys")
            .keySpec(KeySpec.ECC_NIST_P256)
            .keyUsage(KeyUsage.SIGN_VERIFY)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    this.environment = environment(context, tables, queues, email);
    environment.put(FunctionsEnv.PAGE_TOKEN_KEY, pageTokenKey.getSecretValue().unsafeUnwrap());
    environment.put(FunctionsEnv.SSH_CA_KMS_KEY_ID, sshCa.getKeyArn());
    // Workspace hostnames go to the private hosted zone; the records table is local-only.
    environment.put(FunctionsEnv.DNS_ZONE_ID, dns.zoneId());

    workspacesApi = function("WorkspacesApi", WORKSPACES_API, settings.apiMemoryMb(), API_TIMEOUT);
    tables.workspaces().grantReadWriteData(workspacesApi);
    // Placement reserves a slot on the host (assignedWorkspaces) in the same transaction.
    tables.hosts().grantReadWriteData(workspacesApi);
    tables.idempotency().grantReadWriteData(workspacesApi);
    // Quota counters move in the create and removal transactions; creates and deletes are audited.
    tables.usage().grantReadWriteData(workspacesApi);
    tables.audit().grantWriteData(workspacesApi);
    // Placement reads which hosts hold the image.
    readOnly(workspacesApi, tables.projects(), tables.images(), tables.hostImages());
    sendToHostQueues(workspacesApi, queues);
    signsHostCertificates(workspacesApi);
    // A create carries the user's login and keys; the first one makes the login (uid counter).
    tables.sshKeys().grantReadWriteData(workspacesApi);
    // An admin's forced delete removes the workspace's A record.
    dns.grantRecordWrites(workspacesApi);

    adminApi = function("AdminApi", ADMIN_API, settings.apiMemoryMb(), API_TIMEOUT);
    tables.projects().grantReadWriteData(adminApi);
    tables.images().grantReadWriteData(adminApi);
    // The fleet's view and a project's images show which hosts hold each image.
    readOnly(adminApi, tables.hosts(), tables.hostImages());
    // Admins change host status (a conditional write) and read the audit trail their writes add to.
    tables.hosts().grantReadWriteData(adminApi);
    tables.audit().grantReadWriteData(adminApi);

    imageSchedulesApi =
        function("ImageSchedulesApi", IMAGE_SCHEDULES_API, settings.apiMemoryMb(), API_TIMEOUT);
    tables.buildSchedules().grantReadWriteData(imageSchedulesApi);
    // The builds-in-flight quota: reserved with a schedule, released by a cancel.
    tables.usage().grantReadWriteData(imageSchedulesApi);
    tables.audit().grantWriteData(imageSchedulesApi);
    // Hosts: which hold an image (HostImages), and what builders report (why a build waits).
    readOnly(
        imageSchedulesApi,
        tables.projects(),
        tables.images(),
        tables.hosts(),
        tables.hostImages(),
        tables.buildLogs());
    queues.allBuilds().forEach(queue -> queue.grantSendMessages(imageSchedulesApi));

    sshKeysApi = function("SshKeysApi", SSH_KEYS_API, settings.apiMemoryMb(), API_TIMEOUT);
    // Keys, the user's account (login, uid, key-set revision) and the uid counter.
    tables.sshKeys().grantReadWriteData(sshKeysApi);
    tables.audit().grantWriteData(sshKeysApi);
    // GET /v1/ssh/known-hosts shows the CA's public key; it signs nothing.
    sshCa.grant(sshKeysApi, "kms:GetPublicKey");
    // A key change is sent to the user's live workspaces (found here) on their hosts' queues.
    readOnly(sshKeysApi, tables.workspaces());
    sendToHostQueues(sshKeysApi, queues);

    hostEvents =
        function(
            "HostEvents",
            HOST_EVENTS,
            settings.workerMemoryMb(),
            Queues.HOST_EVENTS_CONSUMER_TIMEOUT,
            settings.hostEventsConcurrency());
    for (var table :
        List.of(
            tables.workspaces(),
            tables.hosts(),
            // Heartbeats index which hosts hold each image.
            tables.hostImages(),
            tables.images(),
            tables.buildSchedules(),
            tables.usage(),
            tables.buildLogs())) {
      table.grantReadWriteData(hostEvents);
    }
    // Rejected host events (impersonation) are audited.
    tables.audit().grantWriteData(hostEvents);
    // Reports and the reconciler publish, move and remove workspaces' A records.
    dns.grantRecordWrites(hostEvents);
    // A workspace that comes up RUNNING with an older key set is sent the user's current one; the
    // reconciler remakes a lost container with a new host key and the user's login and keys.
    tables.sshKeys().grantReadWriteData(hostEvents);
    signsHostCertificates(hostEvents);
    // Projects: when a stopped workspace is deleted (lifecycle), the spec of a remade container.
    readOnly(hostEvents, tables.projects());
    email.grantSend(hostEvents);
    // The reconciler answers a host's inventory with removal commands on that host's queue.
    sendToHostQueues(hostEvents, queues);
    hostEvents.addEventSource(
        SqsEventSource.Builder.create(queues.hostEvents())
            .batchSize(10)
            .reportBatchItemFailures(true)
            // Pollers never outnumber the reserved instances, so messages are not throttled
            // back into the queue and counted towards the DLQ.
            .maxConcurrency(settings.hostEventsConcurrency())
            .build());

    recurringBuilds =
        function("RecurringBuilds", RECURRING_BUILDS, settings.workerMemoryMb(), SCHEDULED_TIMEOUT);
    tables.buildSchedules().grantReadWriteData(recurringBuilds);
    readOnly(recurringBuilds, tables.projects(), tables.images());
    queues.allBuilds().forEach(queue -> queue.grantSendMessages(recurringBuilds));

    // Builders invoke it synchronously (their host roles may) to take a build: the one conditional
    // write that decides which builder runs it.
    buildClaim = function("BuildClaim", BUILD_CLAIM, settings.workerMemoryMb(), API_TIMEOUT);
    tables.buildSchedules().grantReadWriteData(buildClaim);
    // Hosts: whether a held build's lease ran out (its builder's last status) before a takeover.
    readOnly(buildClaim, tables.hosts());
    // A claim from a sender that is not its host is refused and audited (BuildClaimDoor).
    tables.audit().grantWriteData(buildClaim);

    buildDeadLetters =
        function(
            "BuildDeadLetters",
            BUILD_DEAD_LETTERS,
            settings.workerMemoryMb(),
            Queues.BUILD_DEAD_LETTERS_CONSUMER_TIMEOUT);
    tables.buildSchedules().grantReadWriteData(buildDeadLetters);
    // A dead-lettered build is FAILED, which releases its place in the builds-in-flight quota.
    tables.usage().grantReadWriteData(buildDeadLetters);
    email.grantSend(buildDeadLetters);
    // One consumer for every arch's dead-letter queue: a dead letter fails its build whatever the
    // arch.
    for (var dlq : queues.allBuildsDlqs()) {
      buildDeadLetters.addEventSource(
          SqsEventSource.Builder.create(dlq).batchSize(10).reportBatchItemFailures(true).build());
    }

    sweeper = function("Sweeper", SWEEPER, settings.workerMemoryMb(), SCHEDULED_TIMEOUT);
    for (var table :
        List.of(tables.workspaces(), tables.hosts(), tables.buildSchedules(), tables.usage())) {
      table.grantReadWriteData(sweeper);
    }
    tables.audit().grantWriteData(sweeper);
    // A stuck create that is failed loses its A record.
    dns.grantRecordWrites(sweeper);
    // Projects: how long a stopped workspace is kept (lifecycle.deleteAfterStoppedDays); warm
    // pools are filled by placement, which reads which hosts hold the image (HostImages).
    readOnly(sweeper, tables.images(), tables.projects(), tables.hostImages());
    // A stopped workspace about to expire is announced to its user a day before.
    email.grantSend(sweeper);
    queues.allBuilds().forEach(queue -> queue.grantSendMessages(sweeper));
    // Re-sent creates and deletes, and the deletes of expired workspaces.
    sendToHostQueues(sweeper, queues);
    // A stuck create is re-sent with a new host key (private host keys are never stored), and the
    // user's login and current keys.
    signsHostCertificates(sweeper);
    tables.sshKeys().grantReadWriteData(sweeper);
  }

  /** Lets a function sign host certificates with the SSH CA key, and read its public half. */
  private void signsHostCertificates(Alias function) {
    sshCa.grant(function, "kms:Sign", "kms:GetPublicKey");
  }

  /** The SSH certificate authority's KMS key. */
  public Key sshCa() {
    return sshCa;
  }

  private static Map<String, String> environment(
      DeployContext context, Tables tables, Queues queues, EmailSending email) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(FunctionsEnv.WORKSPACES_TABLE, tables.workspaces().getTableName());
    env.put(FunctionsEnv.PROJECTS_TABLE, tables.projects().getTableName());
    env.put(FunctionsEnv.IMAGES_TABLE, tables.images().getTableName());
    env.put(FunctionsEnv.HOSTS_TABLE, tables.hosts().getTableName());
    env.put(FunctionsEnv.HOST_IMAGES_TABLE, tables.hostImages().getTableName());
    env.put(FunctionsEnv.IDEMPOTENCY_TABLE, tables.idempotency().getTableName());
    env.put(FunctionsEnv.AUDIT_TABLE, tables.audit().getTableName());
    env.put(FunctionsEnv.USAGE_TABLE, tables.usage().getTableName());
    env.put(FunctionsEnv.SSH_KEYS_TABLE, tables.sshKeys().getTableName());
    // In AWS a host event's sender is its SQS SenderId, the host role's session (docs/security.md).
    env.put(FunctionsEnv.HOST_AUTH, "sender-id");
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, queues.hostQueuePrefix());
    env.put(
        FunctionsEnv.HOST_STALE_AFTER_SECONDS,
        Integer.toString(context.settings().hostStaleAfter().toSeconds().intValue()));
    env.put(FunctionsEnv.ADMIN_CLAIM, context.adminClaim());
    context.workspaceDomain().ifPresent(d -> env.put(FunctionsEnv.WORKSPACE_DOMAIN, d));
    for (Arch arch : Arch.values()) {
      env.put(FunctionsEnv.buildQueueUrl(arch), queues.builds(arch).getQueueUrl());
    }
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, tables.buildSchedules().getTableName());
    env.put(FunctionsEnv.BUILD_LOGS_TABLE, tables.buildLogs().getTableName());
    env.put(FunctionsEnv.BUILD_MAX_RECEIVES, Integer.toString(Queues.BUILD_MAX_RECEIVES));
    env.put(FunctionsEnv.EMAIL_SENDER, context.senderEmail());
    context.userEmailDomain().ifPresent(d -> env.put(FunctionsEnv.USER_EMAIL_DOMAIN, d));
    env.put(IDLE_STOP_MINUTES_ENV, Integer.toString(context.idleStopMinutes()));
    env.put(
        FunctionsEnv.EMAIL_CONFIGURATION_SET, email.configurationSet().getConfigurationSetName());
    return env;
  }

  private Alias function(String id, String handlerClass, int memoryMb, Duration timeout) {
    return function(id, handlerClass, memoryMb, timeout, null);
  }

  private Alias function(
      String id, String handlerClass, int memoryMb, Duration timeout, Integer reserved) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(settings.logRetention())
            .removalPolicy(settings.removalPolicy())
            .build();
    Function function =
        Function.Builder.create(this, id)
            .runtime(Runtime.JAVA_21)
            // SnapStart supports arm64 for Java 21, and Graviton is the cheaper CPU per GB-second.
            .architecture(Architecture.ARM_64)
            .code(code)
            .handler(handlerClass + "::handleRequest")
            .memorySize(memoryMb)
            .timeout(timeout)
            .environment(environment)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .reservedConcurrentExecutions(reserved)
            .logGroup(logs)
            .description("A4C " + settings.name() + " " + handlerClass)
            .build();
    all.add(function);
    // The warning says SnapStart applies to published versions only: that is the design, every
    // trigger below goes through the alias on currentVersion.
    Annotations.of(function)
        .acknowledgeWarning(SNAPSTART_WARNING, "invoked only through the live alias");
    return Alias.Builder.create(this, id + "Live")
        .aliasName(LIVE_ALIAS)
        .version(function.getCurrentVersion())
        .build();
  }

  private static void readOnly(Alias function, Table... tables) {
    for (var table : tables) {
      table.grantReadData(function);
    }
  }

  private static void sendToHostQueues(Alias function, Queues queues) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"))
            .resources(List.of(queues.anyHostQueueArn()))
            .build());
  }

  /**
   * Tells every function each host's IAM role id ({@code A4C_HOST_ROLE_IDS}), so the host-events
   * consumer checks a message's SenderId against the role of the host it names. Set once the host
   * roles exist; every function gets it because they share one configuration record.
   */
  public void trustHostRoles(Map<String, String> roleIdsByHost) {
    if (roleIdsByHost.isEmpty()) {
      return;
    }
    var pairs = new java.util.ArrayList<String>();
    roleIdsByHost.forEach((host, roleId) -> pairs.add(host + "=" + roleId));
    String value = String.join(",", pairs);
    for (Function function : all) {
      function.addEnvironment(FunctionsEnv.HOST_ROLE_IDS, value);
    }
  }

  /**
   * Tells every function the one repository builds push to ({@code A4C_IMAGE_REPOSITORY}): a
   * builder's reported image is accepted only there, under its build's tag.
   */
  public void acceptImagesFrom(String repositoryUri) {
    for (Function function : all) {
      function.addEnvironment(FunctionsEnv.IMAGE_REPOSITORY, repositoryUri);
    }
  }

  /** The generated secret that seals pagination tokens. */
  public Secret pageTokenKey() {
    return pageTokenKey;
  }

  public Alias workspacesApi() {
    return workspacesApi;
  }

  public Alias adminApi() {
    return adminApi;
  }

  public Alias imageSchedulesApi() {
    return imageSchedulesApi;
  }

  public Alias sshKeysApi() {
    return sshKeysApi;
  }

  public Alias hostEvents() {
    return hostEvents;
  }

  public Alias recurringBuilds() {
    return recurringBuilds;
  }

  public Alias sweeper() {
    return sweeper;
  }

  public Alias buildClaim() {
    return buildClaim;
  }

  public Alias buildDeadLetters() {
    return buildDeadLetters;
  }
}
