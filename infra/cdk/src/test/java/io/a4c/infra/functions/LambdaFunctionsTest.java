package io.a4c.infra.functions;

import static io.a4c.infra.TemplateJson.logicalId;
import static io.a4c.infra.TemplateJson.properties;
import static io.a4c.infra.TemplateJson.resources;
import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.infra.A4cStack;
import io.a4c.infra.TemplateJson;
import io.a4c.infra.TestStacks;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Alias;

class LambdaFunctionsTest {
  private final A4cStack stack = TestStacks.stack(TestStacks.PROD);
  private final Template template = TestStacks.template(TestStacks.PROD);

  @Test
  void everyHandlerRunsOnJava21WithSnapStartOnPublishedVersions() {
    var functions = a4cFunctions(template);
    assertThat(functions).hasSize(9);
    for (var function : functions.values()) {
      assertThat(properties(function))
          .containsEntry("Runtime", "java21")
          .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
    }
    List<Object> handlers =
        functions.values().stream().map(f -> properties(f).get("Handler")).toList();
    assertThat(handlers)
        .containsExactlyInAnyOrder(
            "io.a4c.functions.workspaces.WorkspacesApiFunction::handleRequest",
            "io.a4c.functions.admin.AdminApiFunction::handleRequest",
            "io.a4c.functions.builds.ImageSchedulesApiFunction::handleRequest",
            "io.a4c.functions.sshkeys.SshKeysApiFunction::handleRequest",
            "io.a4c.functions.hostevents.HostEventsFunction::handleRequest",
            "io.a4c.functions.builds.RecurringBuildsFunction::handleRequest",
            "io.a4c.functions.sweeper.SweeperFunction::handleRequest",
            "io.a4c.functions.builds.BuildClaimFunction::handleRequest",
            "io.a4c.functions.builds.BuildDeadLettersFunction::handleRequest");
  }

  @Test
  void everyFunctionIsPublishedBehindALiveAlias() {
    template.resourceCountIs("AWS::Lambda::Version", 9);
    template.resourceCountIs("AWS::Lambda::Alias", 9);
    template.allResourcesProperties(
        "AWS::Lambda::Alias",
        Map.of(
            "Name",
            LambdaFunctions.LIVE_ALIAS,
            "FunctionVersion",
            Map.of("Fn::GetAtt", Match.arrayWith(List.of("Version")))));
  }

  @Test
  void apiFunctionsHaveAGigabyteAndTimeOutBeforeTheApi() {
    for (Alias api :
        List.of(
            stack.functions().workspacesApi(),
            stack.functions().adminApi(),
            stack.functions().imageSchedulesApi(),
            stack.functions().sshKeysApi())) {
      assertThat(functionProperties(api))
          .containsEntry("MemorySize", 1024)
          .containsEntry("Timeout", 10)
          .doesNotContainKey("ReservedConcurrentExecutions");
    }
  }

  @Test
  void hostEventsConsumerHasReservedConcurrencyAndReportsFailedRecordsOnly() {
    assertThat(functionProperties(stack.functions().hostEvents()))
        .containsEntry("ReservedConcurrentExecutions", 10);
    template.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "EventSourceArn",
                Map.of("Fn::GetAtt", List.of(logicalId(stack.queues().hostEvents()), "Arn")),
            "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
            "ScalingConfig", Map.of("MaximumConcurrency", 10)));
    // The mapping invokes the alias (its name is "<function>:live"), not $LATEST.
    Object target =
        resources(template, "AWS::Lambda::EventSourceMapping").values().stream()
            .map(TemplateJson::properties)
            .filter(
                p ->
                    p.get("EventSourceArn")
                        .toString()
                        .contains(logicalId(stack.queues().hostEvents())))
            .findFirst()
            .orElseThrow()
            .get("FunctionName");
    assertThat(target.toString())
        .contains(logicalId(stack.functions().hostEvents()))
        .contains(":" + LambdaFunctions.LIVE_ALIAS);
  }

  @Test
  void functionsReadTheEnvironmentNamedByFunctionsEnv() {
    Map<String, Object> variables = environment(stack.functions().workspacesApi());
    assertThat(variables)
        .containsOnlyKeys(
            FunctionsEnv.WORKSPACES_TABLE,
            FunctionsEnv.PROJECTS_TABLE,
            FunctionsEnv.IMAGES_TABLE,
            FunctionsEnv.HOSTS_TABLE,
            FunctionsEnv.HOST_IMAGES_TABLE,
            FunctionsEnv.IDEMPOTENCY_TABLE,
            FunctionsEnv.AUDIT_TABLE,
            FunctionsEnv.USAGE_TABLE,
            FunctionsEnv.SSH_KEYS_TABLE,
            FunctionsEnv.PAGE_TOKEN_KEY,
            FunctionsEnv.SSH_CA_KMS_KEY_ID,
            FunctionsEnv.HOST_AUTH,
            FunctionsEnv.HOST_ROLE_IDS,
            FunctionsEnv.HOST_QUEUE_PREFIX,
            FunctionsEnv.HOST_STALE_AFTER_SECONDS,
            FunctionsEnv.ADMIN_CLAIM,
            FunctionsEnv.BUILD_QUEUE_URL_AMD64,
            FunctionsEnv.BUILD_QUEUE_URL_ARM64,
            FunctionsEnv.BUILD_SCHEDULES_TABLE,
            FunctionsEnv.BUILD_LOGS_TABLE,
            FunctionsEnv.IMAGE_REPOSITORY,
            FunctionsEnv.BUILD_MAX_RECEIVES,
            FunctionsEnv.EMAIL_SENDER,
            FunctionsEnv.EMAIL_CONFIGURATION_SET,
            FunctionsEnv.USER_EMAIL_DOMAIN,
            LambdaFunctions.IDLE_STOP_MINUTES_ENV,
            FunctionsEnv.DNS_ZONE_ID)
        .containsEntry(FunctionsEnv.HOST_AUTH, "sender-id")
        .containsEntry(FunctionsEnv.EMAIL_SENDER, "builds@example.com")
        .containsEntry(FunctionsEnv.USER_EMAIL_DOMAIN, "users.example.com")
        .containsEntry(LambdaFunctions.IDLE_STOP_MINUTES_ENV, "120")
        .containsEntry(FunctionsEnv.HOST_QUEUE_PREFIX, "a4c-prod-host-")
        .containsEntry(FunctionsEnv.ADMIN_CLAIM, "admin")
        .containsEntry(
            FunctionsEnv.WORKSPACES_TABLE, Map.of("Ref", logicalId(stack.tables().workspaces())))
        .containsEntry(
            FunctionsEnv.BUILD_QUEUE_URL_AMD64,
            Map.of("Ref", logicalId(stack.queues().builds(Arch.AMD64))))
        .containsEntry(
            FunctionsEnv.BUILD_QUEUE_URL_ARM64,
            Map.of("Ref", logicalId(stack.queues().builds(Arch.ARM64))));
    for (var function : a4cFunctions(template).values()) {
      assertThat(TemplateJson.properties(function).get("Environment"))
          .isEqualTo(Map.of("Variables", variables));
    }
  }

  @Test
  void withoutContextIdleStopIsOffAndUsersWithoutAnEmailClaimGetNoEmail() {
    A4cStack dev = TestStacks.stack(TestStacks.DEV);
    assertThat(environment(TestStacks.template(TestStacks.DEV), dev.functions().workspacesApi()))
        .containsEntry(LambdaFunctions.IDLE_STOP_MINUTES_ENV, "0")
        .doesNotContainKey(FunctionsEnv.USER_EMAIL_DOMAIN);
  }

  @Test
  void thePaginationKeyComesFromAGeneratedSecretAndHostRoleIdsFromTheHostRoles() {
    Map<String, Object> variables = environment(stack.functions().hostEvents());
    String pageKey = String.valueOf(variables.get(FunctionsEnv.PAGE_TOKEN_KEY));
    assertThat(pageKey)
        .contains("resolve:secretsmanager")
        .contains(logicalId(stack.functions().pageTokenKey()));
    template.hasResourceProperties(
        "AWS::SecretsManager::Secret",
        Map.of(
            "GenerateSecretString",
            Map.of("PasswordLength", 64, "ExcludePunctuation", true, "IncludeSpace", false)));
    String roleIds = String.valueOf(variables.get(FunctionsEnv.HOST_ROLE_IDS));
    for (var role : stack.hostRoles().roles().entrySet()) {
      assertThat(roleIds)
          .contains(role.getKey() + "=")
          .contains(logicalId(role.getValue()))
          .contains("RoleId");
    }
  }

  @Test
  void theSshCaIsAKmsSigningKeyOnlyTheFunctionsMakingHostKeysMayUse() {
    template.hasResourceProperties(
        "AWS::KMS::Key", Map.of("KeySpec", "ECC_NIST_P256", "KeyUsage", "SIGN_VERIFY"));
    String key = logicalId(stack.functions().sshCa());
    assertThat(
            String.valueOf(
                environment(stack.functions().workspacesApi()).get(FunctionsEnv.SSH_CA_KMS_KEY_ID)))
        .contains(key);
    for (Alias function : aliases()) {
      var kmsActions =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(s -> String.valueOf(s.get("Resource")).contains(key))
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .map(Object::toString)
              .toList();
      // The host-events consumer too: its reconciler remakes a container removed outside A4C with
      // a new host key.
      boolean signs =
          function == stack.functions().workspacesApi()
              || function == stack.functions().sweeper()
              || function == stack.functions().hostEvents();
      boolean showsTheKey = function == stack.functions().sshKeysApi();
      assertThat(kmsActions)
          .as(function.getNode().getId())
          .containsExactlyInAnyOrderElementsOf(
              signs
                  ? List.of("kms:Sign", "kms:GetPublicKey")
                  : showsTheKey ? List.of("kms:GetPublicKey") : List.of());
    }
  }

  @Test
  void workspacesApiMaySendToEveryHostQueueButNotReadOne() {
    String role = roleOf(stack.functions().workspacesApi());
    var hostQueueStatements =
        TemplateJson.statementsOfRole(template, role).stream()
            .filter(
                s ->
                    TemplateJson.asList(s.get("Resource"))
                        .contains(stack.queues().anyHostQueueArn()))
            .toList();
    assertThat(hostQueueStatements).hasSize(1);
    assertThat(TemplateJson.asList(hostQueueStatements.get(0).get("Action")))
        .containsExactlyInAnyOrder("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes");
  }

  @Test
  void onlyTheConsumersThatEndBuildsAndTheSweeperThatWarnsOfExpiryMaySendEmail() {
    for (Alias function : aliases()) {
      boolean sendsEmail =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .anyMatch(action -> action.toString().startsWith("ses:"));
      assertThat(sendsEmail)
          .as(function.getNode().getId())
          .isEqualTo(
              function == stack.functions().hostEvents()
                  || function == stack.functions().buildDeadLetters()
                  || function == stack.functions().sweeper());
    }
  }

  @Test
  void everyFunctionThatEndsABuildMayWriteTheUsageCounters() {
    // Ending a build (cancel, a builder's report, the dead-letter queue) releases its place in the
    // builds-in-flight quota in the same transaction: without the grant the transaction fails.
    String usage = logicalId(stack.tables().usage());
    for (Alias function :
        List.of(
            stack.functions().imageSchedulesApi(),
            stack.functions().hostEvents(),
            stack.functions().buildDeadLetters())) {
      boolean writes =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(s -> s.get("Resource").toString().contains(usage))
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .anyMatch("dynamodb:UpdateItem"::equals);
      assertThat(writes).as(function.getNode().getId()).isTrue();
    }
  }

  @Test
  void buildersMayInvokeTheClaimFunctionAndTheBuildDeadLetterQueueFailsBuilds() {
    String h1 = logicalId(stack.hostRoles().roles().get("h1"));
    boolean invokes =
        TemplateJson.statementsOfRole(template, h1).stream()
            .anyMatch(s -> TemplateJson.asList(s.get("Action")).contains("lambda:InvokeFunction"));
    assertThat(invokes).isTrue();
    for (Arch arch : Arch.values()) {
      Object target =
          resources(template, "AWS::Lambda::EventSourceMapping").values().stream()
              .map(TemplateJson::properties)
              .filter(
                  p ->
                      p.get("EventSourceArn")
                          .toString()
                          .contains(logicalId(stack.queues().buildsDlq(arch))))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no consumer of the " + arch.wireName() + " build DLQ"))
              .get("FunctionName");
      assertThat(target.toString())
          .as(arch.wireName())
          .contains(logicalId(stack.functions().buildDeadLetters()));
    }
  }

  @Test
  void theFunctionsThatScheduleBuildsMaySendToEveryArchsBuildQueueAndNothingElseMay() {
    var senders =
        List.of(
            stack.functions().imageSchedulesApi(),
            stack.functions().recurringBuilds(),
            stack.functions().sweeper());
    for (Alias function : aliases()) {
      for (Arch arch : Arch.values()) {
        Object queueArn =
            Map.of("Fn::GetAtt", List.of(logicalId(stack.queues().builds(arch)), "Arn"));
        boolean sends =
            TemplateJson.statementsOfRole(template, roleOf(function)).stream()
                .filter(s -> TemplateJson.asList(s.get("Resource")).contains(queueArn))
                .anyMatch(s -> TemplateJson.asList(s.get("Action")).contains("sqs:SendMessage"));
        assertThat(sends)
            .as(function.getNode().getId() + " on " + arch.wireName())
            .isEqualTo(senders.contains(function));
      }
    }
  }

  @Test
  void onlyTheFunctionsThatMakeLoginsWriteKeysAndOnlyTheyAndTheHostEventsConsumerReadThem() {
    // The SSH keys API writes keys; a workspace's create (and a create the sweep re-sends, and a
    // container the reconciler in the host-events consumer remakes) makes the user's login on first
    // use (the uid counter and the account item).
    String sshKeys = logicalId(stack.tables().sshKeys());
    for (Alias function : aliases()) {
      var actions =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(s -> s.get("Resource").toString().contains(sshKeys))
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .toList();
      String name = function.getNode().getId();
      boolean makesLogins =
          function == stack.functions().sshKeysApi()
              || function == stack.functions().workspacesApi()
              || function == stack.functions().sweeper()
              || function == stack.functions().hostEvents();
      assertThat(actions.contains("dynamodb:PutItem"))
          .as(name + " writes keys")
          .isEqualTo(makesLogins);
      assertThat(actions.contains("dynamodb:Query"))
          .as(name + " reads keys")
          .isEqualTo(makesLogins || function == stack.functions().hostEvents());
    }
  }

  @Test
  void theSweeperReadsProjectsForExpiryAndSendsDeletesToEveryHostQueue() {
    String role = roleOf(stack.functions().sweeper());
    String projects = logicalId(stack.tables().projects());
    var projectActions =
        TemplateJson.statementsOfRole(template, role).stream()
            .filter(s -> s.get("Resource").toString().contains(projects))
            .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
            .toList();
    assertThat(projectActions).contains("dynamodb:GetItem").doesNotContain("dynamodb:PutItem");
    boolean sendsCommands =
        TemplateJson.statementsOfRole(template, role).stream()
            .filter(
                s ->
                    TemplateJson.asList(s.get("Resource"))
                        .contains(stack.queues().anyHostQueueArn()))
            .anyMatch(s -> TemplateJson.asList(s.get("Action")).contains("sqs:SendMessage"));
    assertThat(sendsCommands).isTrue();
  }

  @Test
  void everyFunctionThatReadsWhichHostsHoldAnImageMayQueryThemAndOnlyHeartbeatsWriteThem() {
    // Placement (creates, the warm pool claim and the sweeper's refills), prefetch after a build
    // (host events), the admins' fleet and project images, and a build's imageHosts all query it.
    String hostImages = logicalId(stack.tables().hostImages());
    LambdaFunctions f = stack.functions();
    var readers =
        List.of(
            f.workspacesApi(), f.adminApi(), f.imageSchedulesApi(), f.hostEvents(), f.sweeper());
    for (Alias function : aliases()) {
      var actions =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(s -> s.get("Resource").toString().contains(hostImages))
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .toList();
      String name = function.getNode().getId();
      assertThat(actions.contains("dynamodb:Query"))
          .as(name + " reads holders")
          .isEqualTo(readers.contains(function));
      assertThat(actions.contains("dynamodb:UpdateItem"))
          .as(name + " writes holders")
          .isEqualTo(function == f.hostEvents());
    }
  }

  @Test
  void theBuildClaimFunctionReadsHostsForLeasesAndWritesNone() {
    String role = roleOf(stack.functions().buildClaim());
    String hosts = logicalId(stack.tables().hosts());
    var hostActions =
        TemplateJson.statementsOfRole(template, role).stream()
            .filter(s -> s.get("Resource").toString().contains(hosts))
            .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
            .toList();
    assertThat(hostActions).contains("dynamodb:GetItem").doesNotContain("dynamodb:UpdateItem");
  }

  @Test
  void everyQueueAFunctionConsumesStaysInvisibleForSixOfItsTimeouts() {
    // Lambda refuses an SQS mapping whose queue's visibility is shorter than the function's
    // timeout (the deploy fails at the mapping), and advises six times it. SQS's default is 30 s.
    var queues = resources(template, "AWS::SQS::Queue");
    var mappings = resources(template, "AWS::Lambda::EventSourceMapping").values();
    assertThat(mappings).hasSize(1 + Arch.values().length);
    for (var mapping : mappings) {
      Map<String, Object> properties = properties(mapping);
      @SuppressWarnings("unchecked")
      String queue =
          ((List<String>)
                  ((Map<String, Object>) properties.get("EventSourceArn")).get("Fn::GetAtt"))
              .getFirst();
      Alias consumer =
          aliases().stream()
              .filter(a -> properties.get("FunctionName").toString().contains(logicalId(a)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no A4C function consumes " + queue));
      int timeout = (Integer) functionProperties(consumer).get("Timeout");
      Object visibility = properties(queues.get(queue)).getOrDefault("VisibilityTimeout", 30);
      assertThat(visibility)
          .as(queue + " consumed by " + consumer.getNode().getId())
          .isEqualTo(6 * timeout);
    }
  }

  @Test
  void everyFunctionThatRecordsAuditEntriesMayWriteTheAuditTrail() {
    // AuditLog logs a failed write instead of throwing, so a missing grant loses entries silently.
    // The build claim records the claims it refuses because their sender is not their host.
    String audit = logicalId(stack.tables().audit());
    LambdaFunctions f = stack.functions();
    var auditing =
        List.of(
            f.workspacesApi(),
            f.adminApi(),
            f.imageSchedulesApi(),
            f.sshKeysApi(),
            f.hostEvents(),
            f.sweeper(),
            f.buildClaim());
    for (Alias function : aliases()) {
      boolean writes =
          TemplateJson.statementsOfRole(template, roleOf(function)).stream()
              .filter(s -> s.get("Resource").toString().contains(audit))
              .flatMap(s -> TemplateJson.asList(s.get("Action")).stream())
              .anyMatch("dynamodb:PutItem"::equals);
      assertThat(writes).as(function.getNode().getId()).isEqualTo(auditing.contains(function));
    }
  }

  @Test
  void theStackSynthesizesWithoutWarnings() {
    Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    Annotations.fromStack(stack).hasNoError("*", Match.anyValue());
  }

  private List<Alias> aliases() {
    LambdaFunctions f = stack.functions();
    return List.of(
        f.workspacesApi(),
        f.adminApi(),
        f.imageSchedulesApi(),
        f.sshKeysApi(),
        f.hostEvents(),
        f.recurringBuilds(),
        f.sweeper(),
        f.buildClaim(),
        f.buildDeadLetters());
  }

  /**
   * A4C's own functions: the template also holds the CDK's bucket-deployment function, which
   * uploads the dashboard's files at deploy time.
   */
  static Map<String, Map<String, Object>> a4cFunctions(Template template) {
    var functions = new java.util.LinkedHashMap<>(resources(template, "AWS::Lambda::Function"));
    functions
        .values()
        .removeIf(f -> !String.valueOf(properties(f).get("Handler")).startsWith("io.a4c."));
    return functions;
  }

  private Map<String, Object> functionProperties(Alias alias) {
    return functionProperties(template, alias);
  }

  private static Map<String, Object> functionProperties(Template template, Alias alias) {
    return properties(
        resources(template, "AWS::Lambda::Function")
            .get(logicalId(alias.getVersion().getLambda())));
  }

  private Map<String, Object> environment(Alias alias) {
    return environment(template, alias);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Template template, Alias alias) {
    return (Map<String, Object>)
        ((Map<String, Object>) functionProperties(template, alias).get("Environment"))
            .get("Variables");
  }

  private String roleOf(Alias alias) {
    return logicalId(alias.getVersion().getLambda().getRole());
  }
}
