package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import io.a4c.functions.audit.AuditEntry;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.ProblemException;
import io.a4c.functions.http.ProblemType;
import io.a4c.functions.projects.ProjectConfig;
import io.a4c.functions.projects.ProjectService;
import io.a4c.functions.projects.ProjectSource;
import io.a4c.functions.projects.TestProjects;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.quotas.Quotas;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduling and cancelling image builds against Dynoxide and ElasticMQ: the record, its job on the
 * arch's queue, the rollback when the job cannot be sent, the builds-in-flight quota, who is
 * emailed, and which builds can be cancelled.
 */
class ImageSchedulingTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String ALICE = "alice";
  private static final Origin BY_ALICE = new Origin(ALICE, false, "req-1", "127.0.0.1");

  private final TestClock clock = new TestClock(T0);
  private String amd64Queue;
  private BuildScheduleStore schedules;
  private AuditLog audit;
  private ImageScheduling scheduling;
  private ImageScheduleCancellation cancellation;

  @BeforeEach
  void services() {
    amd64Queue = sqs.createQueue("builds-amd64");
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.PROJECTS_TABLE, dynamo.table(A4cTables.PROJECTS));
    env.put(FunctionsEnv.IMAGES_TABLE, dynamo.table(A4cTables.IMAGES));
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    env.put(FunctionsEnv.USAGE_TABLE, dynamo.table(A4cTables.USAGE));
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, dynamo.table(A4cTables.BUILD_SCHEDULES));
    env.put(FunctionsEnv.BUILD_QUEUE_URL_AMD64, amd64Queue);
    env.put(FunctionsEnv.BUILD_QUEUE_URL_ARM64, sqs.createQueue("builds-arm64"));
    env.put(FunctionsEnv.MAX_BUILDS_IN_FLIGHT_PER_USER, "2");
    env.put(FunctionsEnv.USER_EMAIL_DOMAIN, "example.com");
    var config = FunctionsConfig.fromEnvironment(env);
    var client = dynamo.client();
    audit = TestAudit.log(client, config, clock);
    ProjectService projects = TestProjects.service(client, config, clock, audit);
    putProject(
        projects,
        "shop",
        new ProjectSource("git", null, "https://git.example/shop.git"),
        List.of("main", "release"),
        null);
    putProject(
        projects,
        "vault",
        new ProjectSource("git", null, "https://git.example/vault.git"),
        List.of("main"),
        List.of("carol"));
    putProject(
        projects,
        "kernel",
        new ProjectSource("perforce", "//depot/kernel/...", null),
        List.of("main"),
        null);
    schedules =
        new BuildScheduleStore(
            client, new UsageCounters(client, config.security().usageTable()), config);
    scheduling =
        new ImageScheduling(
            schedules,
            new BuildJobSender(sqs.client(), EventJson.newMapper(), config),
            projects,
            new ScheduleIds(clock),
            new Quotas(config),
            audit,
            clock,
            config);
    cancellation = new ImageScheduleCancellation(schedules, audit, clock);
  }

  /** Puts project {@code name} (on debian:12, no tools or setup) as an admin. */
  private static void putProject(
      ProjectService projects,
      String name,
      ProjectSource source,
      List<String> parents,
      List<String> builders) {
    projects.put(
        new Origin("root", true, "req-0", null),
        name,
        new ProjectConfig(
            source,
            "debian:12",
            List.of(),
            parents,
            List.of(),
            null,
            null,
            null,
            null,
            builders,
            null,
            null));
  }

  private static CreateImageScheduleRequest request(String parentName) {
    return new CreateImageScheduleRequest("shop-image", "shop", "4711", parentName, "amd64");
  }

  private ImageScheduleView schedule() {
    return scheduling.schedule(BY_ALICE, ALICE, null, request(null));
  }

  private BuildSchedule stored(ImageScheduleView view) {
    return schedules.get(ALICE, view.scheduleId(), true).orElseThrow();
  }

  private List<String> audited() {
    return audit.page(ALICE, 100, null).items().stream().map(AuditEntry::action).toList();
  }

  @Test
  void aBuildIsWrittenScheduledOnTheFirstParentAndItsJobPutOnItsArchsQueue() {
    var view = schedule();

    assertThat(view.status()).isEqualTo(BuildStatus.SCHEDULED);
    assertThat(view.parentName()).isEqualTo("main");
    var stored = stored(view);
    assertThat(stored.queued()).isTrue();
    assertThat(stored.lastSentAt()).isEqualTo(T0);
    assertThat(stored.scheduledAt()).isEqualTo(T0);
    assertThat(sqs.receive(amd64Queue)).singleElement().isEqualTo(stored.job());
    assertThat(stored.job()).contains(view.scheduleId()).contains("4711");
    assertThat(schedules.inFlight(ALICE)).isEqualTo(1);
    assertThat(audited()).containsExactly("build.schedule");
  }

  @Test
  void whenTheJobCannotBeSentTheBuildIsRemovedAndItsQuotaUnitGivenBack() {
    sqs.client().deleteQueue(b -> b.queueUrl(amd64Queue));

    assertThatThrownBy(this::schedule)
        .isInstanceOfSatisfying(
            ProblemException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.UNAVAILABLE));
    assertThat(schedules.list(ALICE, 10, null).items()).isEmpty();
    assertThat(schedules.inFlight(ALICE)).isZero();
    assertThat(audited()).isEmpty();
  }

  @Test
  void aUserWithAsManyBuildsInFlightAsAllowedIsRefusedAndNothingIsSent() {
    schedule();
    schedule();

    assertThatThrownBy(this::schedule)
        .isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("you have 2 builds scheduled or in progress; at most 2");
    assertThat(sqs.receive(amd64Queue)).hasSize(2);
  }

  @Test
  void onlyTheProjectsBuildersAndAdminsMayScheduleItsBuilds() {
    var vault = new CreateImageScheduleRequest("vault-image", "vault", "4711", null, "amd64");

    assertThatThrownBy(() -> scheduling.schedule(BY_ALICE, ALICE, null, vault))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.FORBIDDEN);
              assertThat(e.reason()).isEqualTo("not-a-builder");
              assertThat(e.getMessage()).contains("vault").contains(ALICE);
            });
    assertThat(schedules.inFlight(ALICE)).isZero();
    assertThat(sqs.receive(amd64Queue)).isEmpty();

    var carol = new Origin("carol", false, "req-2", "127.0.0.1");
    assertThat(scheduling.schedule(carol, "carol", null, vault).status())
        .isEqualTo(BuildStatus.SCHEDULED);
    var admin = new Origin("root", true, "req-3", null);
    assertThat(scheduling.schedule(admin, ALICE, null, vault).status())
        .isEqualTo(BuildStatus.SCHEDULED);
  }

  @Test
  void aPerforceProjectsBuildIsOfAChangeNumberOrHeadNeverALabel() {
    for (String label : List.of("REL_1_0", "1.0", "0", "01234", "12345678901")) {
      var request = new CreateImageScheduleRequest("kernel-image", "kernel", label, null, "amd64");
      assertThatThrownBy(() -> scheduling.schedule(BY_ALICE, ALICE, null, request))
          .as(label)
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> {
                assertThat(e.field()).isEqualTo("change");
                assertThat(e.getMessage()).contains("kernel").contains("changelist number");
              });
    }
    assertThat(schedules.inFlight(ALICE)).isZero();
    assertThat(sqs.receive(amd64Queue)).isEmpty();

    for (String change : List.of("12345", "head")) {
      var request = new CreateImageScheduleRequest("kernel-image", "kernel", change, null, "amd64");
      assertThat(scheduling.schedule(BY_ALICE, ALICE, null, request).status())
          .isEqualTo(BuildStatus.SCHEDULED);
    }
    // A git project's change may be any revision (a tag here): it passes the change rule and
    // meets the quota of two builds in flight the two above hold.
    var gitTag = new CreateImageScheduleRequest("vault-image", "shop", "v1.0", null, "amd64");
    assertThatThrownBy(() -> scheduling.schedule(BY_ALICE, ALICE, null, gitTag))
        .isInstanceOf(QuotaExceededException.class);
  }

  @Test
  void anUnknownProjectIsA404NamingTheBodysProjectMember() {
    var request = new CreateImageScheduleRequest("img", "nosuch", "abc123", null, null);

    assertThatThrownBy(() -> scheduling.schedule(BY_ALICE, ALICE, null, request))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.NOT_FOUND);
              assertThat(e.field()).isEqualTo("project");
              assertThat(e.reason()).isEqualTo("unknown-project");
            });
    assertThat(schedules.inFlight(ALICE)).isZero();
  }

  @Test
  void aParentTheProjectDoesNotHaveIsRefused() {
    assertThatThrownBy(() -> scheduling.schedule(BY_ALICE, ALICE, null, request("dev")))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(schedules.inFlight(ALICE)).isZero();
  }

  @Test
  void theEndOfBuildEmailGoesToTheTokensEmailElseToTheUserAtTheConfiguredDomain() {
    var withClaim = scheduling.schedule(BY_ALICE, ALICE, "alice@shop.example", request(null));
    var withoutClaim = scheduling.schedule(BY_ALICE, ALICE, "not an address", request(null));

    assertThat(stored(withClaim).notifyEmail()).isEqualTo("alice@shop.example");
    assertThat(stored(withoutClaim).notifyEmail()).isEqualTo("alice@example.com");
  }

  @Test
  void aBuildAnAdminSchedulesForAUserEmailsTheUserNotTheAdmin() {
    var byRoot = new Origin("root", true, "req-2", "127.0.0.1");

    var forAlice = scheduling.schedule(byRoot, ALICE, "root@ops.example", request(null));
    var forMail =
        scheduling.schedule(byRoot, "dana@shop.example", "root@ops.example", request(null));

    assertThat(stored(forAlice).notifyEmail()).isEqualTo("alice@example.com");
    assertThat(schedules.get("dana@shop.example", forMail.scheduleId(), true))
        .hasValueSatisfying(b -> assertThat(b.notifyEmail()).isEqualTo("dana@shop.example"));
  }

  @Test
  void aBuildNoBuilderTookIsCancelledOnceAndItsQuotaUnitGivenBack() {
    var view = schedule();

    var cancelled = cancellation.cancel(BY_ALICE, ALICE, view.scheduleId());
    var again = cancellation.cancel(BY_ALICE, ALICE, view.scheduleId());

    assertThat(cancelled.status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(again.status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(schedules.inFlight(ALICE)).isZero();
    assertThat(audited()).containsExactlyInAnyOrder("build.schedule", "build.cancel");
  }

  @Test
  void aBuildABuilderTookCannotBeCancelled() {
    var view = schedule();
    schedules.claim(schedules.get(ALICE, view.scheduleId(), true).orElseThrow(), "h1", "h1/1", T0);

    assertThatThrownBy(() -> cancellation.cancel(BY_ALICE, ALICE, view.scheduleId()))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.type()).isEqualTo(ProblemType.CONFLICT);
              assertThat(e.reason()).isEqualTo("not-cancellable");
            });
    assertThat(stored(view).status()).isEqualTo(BuildStatus.IN_PROGRESS);
  }

  @Test
  void cancellingABuildTheUserDoesNotHaveIsNotFound() {
    var view = schedule();

    assertThatThrownBy(() -> cancellation.cancel(BY_ALICE, "bob", view.scheduleId()))
        .isInstanceOf(ScheduleNotFoundException.class);
  }
}
