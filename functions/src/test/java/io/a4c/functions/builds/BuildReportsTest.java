package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildLogUpdate;
import io.a4c.events.BuildMessage;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.BuildStatus;
import io.a4c.events.EventJson;
import io.a4c.events.Heartbeat;
import io.a4c.events.HostCommand;
import io.a4c.events.ImageTags;
import io.a4c.events.PrefetchImage;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hosts.HostCommandSender;
import io.a4c.functions.hosts.HostStatus;
import io.a4c.functions.hosts.HostStore;
import io.a4c.functions.projects.ImageStore;
import io.a4c.functions.projects.Project;
import io.a4c.functions.projects.ProjectConfig;
import io.a4c.functions.projects.ProjectPrefetch;
import io.a4c.functions.projects.ProjectSource;
import io.a4c.functions.projects.ProjectStore;
import io.a4c.functions.projects.TestProjects;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.MessageQueues;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Builders' claims and end-of-build reports against Dynoxide: a host acts only for its own builder
 * slots, the image a report names is believed only as the build's own reference in the one
 * configured repository, and the default image is the newest change built.
 */
class BuildReportsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();
  @RegisterExtension static final MessageQueues sqs = new MessageQueues();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String REPOSITORY = "registry.example:5000/a4c-images";
  private static final String OWN_IMAGE = REPOSITORY + ":shop_main_amd64_4711";

  private final TestClock clock = new TestClock(T0);
  private BuildScheduleStore schedules;
  private ImageStore images;
  private BuildReports reports;
  private BuildSchedule build;
  private FunctionsConfig config;
  private HostStore hosts;
  private ProjectStore projects;

  @BeforeEach
  void services() {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.IMAGES_TABLE, dynamo.table(A4cTables.IMAGES));
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    env.put(FunctionsEnv.USAGE_TABLE, dynamo.table(A4cTables.USAGE));
    env.put(FunctionsEnv.HOSTS_TABLE, dynamo.table(A4cTables.HOSTS));
    env.put(FunctionsEnv.HOST_IMAGES_TABLE, dynamo.table(A4cTables.HOST_IMAGES));
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, dynamo.table(A4cTables.BUILD_SCHEDULES));
    env.put(FunctionsEnv.BUILD_LOGS_TABLE, dynamo.table(A4cTables.BUILD_LOGS));
    env.put(FunctionsEnv.IMAGE_REPOSITORY, REPOSITORY);
    env.put(FunctionsEnv.PROJECTS_TABLE, dynamo.table(A4cTables.PROJECTS));
    env.put(FunctionsEnv.HOST_QUEUE_PREFIX, sqs.hostQueuePrefix());
    config = FunctionsConfig.fromEnvironment(env);
    var client = dynamo.client();
    hosts = new HostStore(client, config.hostsTable());
    projects = TestProjects.store(client, config);
    schedules =
        new BuildScheduleStore(
            client, new UsageCounters(client, config.security().usageTable()), config);
    images = TestProjects.images(client, config);
    reports =
        new BuildReports(
            schedules,
            new BuildLogStore(client, config),
            images,
            new BuilderStore(client, config),
            // No build here has a recipient, so nothing is sent.
            new BuildEmails(
                schedules,
                new BuildNotifier(new io.a4c.functions.email.PlainEmails(null, config)),
                clock),
            new ImagePrefetch(
                hosts,
                new io.a4c.functions.hosts.HostImageStore(client, config.hostImagesTable()),
                new HostCommandSender(sqs.client(), EventJson.newMapper(), config),
                projects,
                clock,
                config),
            clock,
            TestAudit.log(client, config, clock),
            config);
    build = claimed(0, "4711");
  }

  @Test
  void aRunningBuildsLogIsKeptOnlyFromTheBuilderThatHoldsItAndUntilItEnds() {
    var logs = new BuildLogStore(dynamo.client(), dynamo.table(A4cTables.BUILD_LOGS));
    String id = build.scheduleId();

    assertThat(reports.record(update("h2", "h2/0", 1, 1, "not mine\n")))
        .as("another host's slot")
        .isFalse();
    assertThat(reports.record(update("h2", "h1/0", 1, 1, "impersonated\n")))
        .as("a slot of another host")
        .isFalse();
    assertThat(reports.record(update("h1", "h1/0", 2, 1, "later attempt\n")))
        .as("an attempt that does not hold it")
        .isFalse();
    assertThat(logs.get(id)).isEmpty();

    assertThat(reports.record(update("h1", "h1/0", 1, 1, "step 1\n"))).isTrue();
    assertThat(logs.get(id).orElseThrow().live()).isTrue();
    assertThat(logs.get(id).orElseThrow().text()).isEqualTo("step 1\n");

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();
    assertThat(reports.record(update("h1", "h1/0", 1, 2, "step 1\nlate\n")))
        .as("an update after the end")
        .isFalse();
    assertThat(logs.get(id).orElseThrow().live()).isFalse();
  }

  private BuildLogUpdate update(String hostId, String workerId, int attempt, long seq, String log) {
    return BuildLogUpdate.of(hostId, build.scheduleId(), "alice", workerId, attempt, seq, log, T0);
  }

  /** Build number {@code n} of {@code change}, claimed by h1's slot 0. */
  private BuildSchedule claimed(int n, String change) {
    var scheduled = scheduled(n, change);
    assertThat(schedules.claim(scheduled, "h1", "h1/0", T0)).hasValue(1);
    return scheduled;
  }

  /** Build number {@code n} of {@code change} of project kernel (synced from Perforce), claimed. */
  private BuildSchedule claimedPerforce(int n, String change) throws Exception {
    var job =
        BuildJob.of(
            String.format("bs-%026d", n),
            "alice",
            BuildKind.USER,
            "kernel",
            "main",
            Arch.AMD64,
            change,
            new BuildSpec(
                "debian:12", List.of(), List.of(), BuildSource.perforce("//depot/kernel")),
            T0);
    var scheduled =
        BuildSchedule.scheduled(
            job,
            EventJson.newMapper().writerFor(BuildMessage.class).writeValueAsString(job),
            "kernel-image",
            null);
    assertThat(scheduled.syncsFromPerforce()).isTrue();
    assertThat(schedules.insert(scheduled)).isTrue();
    assertThat(schedules.claim(scheduled, "h1", "h1/0", T0)).hasValue(1);
    return scheduled;
  }

  private static String kernelImage(String change) {
    return REPOSITORY + ":" + ImageTags.of("kernel", "main", Arch.AMD64, change);
  }

  /** Build number {@code n} of {@code change}, SCHEDULED. */
  private BuildSchedule scheduled(int n, String change) {
    var job =
        BuildJob.of(
            String.format("bs-%026d", n),
            "alice",
            BuildKind.USER,
            "shop",
            "main",
            Arch.AMD64,
            change,
            new BuildSpec(
                "debian:12", List.of(), List.of(), BuildSource.git("https://git.example/shop.git")),
            T0);
    var scheduled = BuildSchedule.scheduled(job, "{}", "shop-image", null);
    assertThat(schedules.insert(scheduled)).isTrue();
    return scheduled;
  }

  private BuildEnded completed(String hostId, String workerId, String imageRef) {
    return completed(build, hostId, workerId, 4711L, imageRef);
  }

  private BuildEnded completed(
      BuildSchedule of, String hostId, String workerId, Long position, String imageRef) {
    return BuildEnded.of(
        hostId,
        of.scheduleId(),
        "alice",
        workerId,
        1,
        BuildStatus.COMPLETED,
        of.change(),
        position,
        imageRef,
        "sha256:" + "a".repeat(64),
        null,
        "built",
        T0);
  }

  private BuildSchedule stored() {
    return schedules.get("alice", build.scheduleId(), true).orElseThrow();
  }

  @Test
  void aCompletedBuildIsSentToTheLightestLiveHostsOfItsArchUntilTheProjectsCountHoldIt() {
    project(ProjectPrefetch.ofHosts(3));
    host("h1", Arch.AMD64, 1, List.of()); // the builder, not yet listing its image
    host("h2", Arch.AMD64, 50, List.of());
    host("h3", Arch.AMD64, 10, List.of());
    host("h4", Arch.AMD64, 90, List.of());
    host("arm", Arch.ARM64, 0, List.of());

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    // The builder holds it: two more, the lightest, pull it; one command each.
    assertThat(prefetches("h3")).containsExactly(OWN_IMAGE);
    assertThat(prefetches("h2")).containsExactly(OWN_IMAGE);
    assertThat(prefetches("h4")).isEmpty();
    assertThat(prefetches("arm")).isEmpty();
    assertThat(prefetches("h1")).isEmpty();
  }

  @Test
  void holdersAlreadyListingTheImageCountAndTheDefaultIsTwoHolders() {
    project(ProjectPrefetch.DEFAULT);
    host("h1", Arch.AMD64, 1, List.of());
    host("h2", Arch.AMD64, 50, List.of(OWN_IMAGE));
    host("h3", Arch.AMD64, 10, List.of());

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    assertThat(prefetches("h3")).as("the builder and h2 hold it: two").isEmpty();
    assertThat(prefetches("h2")).isEmpty();
  }

  @Test
  void hostsThatAreDrainingDownOrSilentAreNotAsked() {
    project(ProjectPrefetch.ofHosts(4));
    host("h1", Arch.AMD64, 1, List.of());
    host("h2", Arch.AMD64, 1, List.of());
    hosts.setStatus("h2", HostStatus.ACTIVE, HostStatus.DRAINING);
    host("h3", Arch.AMD64, 1, List.of());
    clock.advance(Duration.ofMinutes(5)); // every beat is stale now
    host("h4", Arch.AMD64, 1, List.of());

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    assertThat(prefetches("h4")).containsExactly(OWN_IMAGE);
    assertThat(prefetches("h2")).isEmpty();
    assertThat(prefetches("h3")).isEmpty();
  }

  @Test
  void aShareCountsTheLiveHostsOfTheArchRoundedUp() {
    project(new ProjectPrefetch(null, 50));
    fiveLiveAmd64HostsADrainingOneAndTwoArm();

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    // Five live amd64 hosts, 50 %: three holders, the builder and the two lightest.
    assertThat(prefetches("h3")).containsExactly(OWN_IMAGE);
    assertThat(prefetches("h4")).containsExactly(OWN_IMAGE);
    for (String other : List.of("h1", "h2", "h5", "h6", "arm1", "arm2")) {
      assertThat(prefetches(other)).as(other).isEmpty();
    }
  }

  @Test
  void aCountAboveTheShareWins() {
    project(new ProjectPrefetch(4, 50));
    fiveLiveAmd64HostsADrainingOneAndTwoArm();

    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    for (String told : List.of("h3", "h4", "h5")) {
      assertThat(prefetches(told)).as(told).containsExactly(OWN_IMAGE);
    }
    assertThat(prefetches("h2")).isEmpty();
    assertThat(prefetches("h6")).isEmpty();
  }

  private void fiveLiveAmd64HostsADrainingOneAndTwoArm() {
    host("h1", Arch.AMD64, 1, List.of()); // the builder
    host("h2", Arch.AMD64, 40, List.of());
    host("h3", Arch.AMD64, 10, List.of());
    host("h4", Arch.AMD64, 20, List.of());
    host("h5", Arch.AMD64, 30, List.of());
    host("h6", Arch.AMD64, 1, List.of());
    hosts.setStatus("h6", HostStatus.ACTIVE, HostStatus.DRAINING); // not live: neither counted
    host("arm1", Arch.ARM64, 1, List.of());
    host("arm2", Arch.ARM64, 1, List.of());
  }

  private void project(ProjectPrefetch prefetch) {
    projects.put(
        new Project(
            "shop",
            new ProjectConfig(
                new ProjectSource("git", null, "https://git.example/shop.git"),
                "debian:12",
                List.of(),
                List.of("main"),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                prefetch,
                null),
            T0));
  }

  private void host(String hostId, Arch arch, long diskGib, List<String> images) {
    sqs.createHostQueue(hostId);
    var beat =
        Heartbeat.of(hostId, arch, diskGib << 30, 1000L << 30, images, 10, 0, clock.instant());
    hosts.applyHeartbeat(beat, clock.instant());
    // as the host-events consumer does (HostService)
    new io.a4c.functions.hosts.HostImageStore(dynamo.client(), dynamo.table(A4cTables.HOST_IMAGES))
        .index(beat, clock.instant());
  }

  /** The images of the prefetch commands now on the host's queue. */
  private List<String> prefetches(String hostId) {
    var json = EventJson.newMapper();
    return sqs.receiveFromHost(hostId).stream()
        .map(
            body -> {
              try {
                return json.readValue(body, HostCommand.class);
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .map(c -> ((PrefetchImage) c).imageRef())
        .toList();
  }

  @Test
  void aHostCannotEndABuildHeldByAnotherHostsSlot() {
    // h2's report is verified as h2's (its sender), but names h1's slot, which holds the build.
    assertThat(reports.apply(completed("h2", "h1/0", OWN_IMAGE))).isFalse();

    assertThat(stored().status()).isEqualTo(BuildStatus.IN_PROGRESS);
    assertThat(images.newestCompleted("shop", "main", Arch.AMD64)).isEmpty();
  }

  @Test
  void aClaimForAnotherHostsSlotIsRefusedAndTakesNothing() {
    var other = scheduled(1, "4712");
    var lease =
        new BuildLease(
            schedules, new BuilderStore(dynamo.client(), config), clock, Duration.ofSeconds(30));

    var answer = lease.claim(BuildClaim.of(other.scheduleId(), "alice", "h2", "h1/0", 1));

    assertThat(answer.granted()).isFalse();
    assertThat(answer.reason()).contains("not a builder slot of host h2");
    assertThat(schedules.get("alice", other.scheduleId(), true).orElseThrow().status())
        .isEqualTo(BuildStatus.SCHEDULED);
    assertThat(lease.claim(BuildClaim.of(other.scheduleId(), "alice", "h2", "h2/0", 1)).granted())
        .isTrue();
  }

  @Test
  void anImageOutsideTheRepositoryFailsTheBuildAndNeverBecomesAnImage() {
    assertThat(reports.apply(completed("h1", "h1/0", "evil.example/x:latest"))).isTrue();

    var ended = stored();
    assertThat(ended.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(ended.imageRef()).isNull();
    assertThat(ended.reason()).contains("evil.example/x:latest").contains(OWN_IMAGE);
    assertThat(images.newestCompleted("shop", "main", Arch.AMD64)).isEmpty();
  }

  @Test
  void anImageInTheRepositoryUnderAnotherBuildsTagFailsTheBuild() {
    assertThat(reports.apply(completed("h1", "h1/0", REPOSITORY + ":shop_main_amd64_4712")))
        .isTrue();

    assertThat(stored().status()).isEqualTo(BuildStatus.FAILED);
    assertThat(images.newestCompleted("shop", "main", Arch.AMD64)).isEmpty();
  }

  @Test
  void aBuildOfAnOlderChangeThatEndsLaterDoesNotBecomeTheDefault() {
    var older = claimed(1, "1f00d");
    clock.advance(Duration.ofSeconds(60));
    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();
    clock.advance(Duration.ofSeconds(60));
    String olderImage = REPOSITORY + ":shop_main_amd64_1f00d";
    assertThat(reports.apply(completed(older, "h1", "h1/0", 4000L, olderImage))).isTrue();

    assertThat(images.newestCompleted("shop", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.change())
        .isEqualTo("4711");
    assertThat(images.completed("shop", "main", Arch.AMD64, "1f00d")).isPresent();
  }

  @Test
  void aBuildWhoseBuilderCouldNotPlaceItsChangeCountsAsTheNewestWhenItEnds() {
    // A Perforce build of head, or a builder from before positions.
    var head = claimed(1, "head");
    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();
    clock.advance(Duration.ofSeconds(60));
    String headImage = REPOSITORY + ":shop_main_amd64_head";
    assertThat(reports.apply(completed(head, "h1", "h1/0", null, headImage))).isTrue();

    assertThat(images.newestCompleted("shop", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.imageRef())
        .isEqualTo(headImage);
  }

  @Test
  void aPerforceBuildStandsAtItsChangeNumberWhateverItsBuilderReports() throws Exception {
    var newest = claimedPerforce(1, "4711");
    assertThat(reports.apply(completed(newest, "h1", "h1/0", 4711L, kernelImage("4711")))).isTrue();
    clock.advance(Duration.ofSeconds(60));
    // An older change, ending later, whose builder claims a position beyond every change.
    var older = claimedPerforce(2, "1200");
    assertThat(reports.apply(completed(older, "h1", "h1/0", 999_999_999L, kernelImage("1200"))))
        .isTrue();

    assertThat(images.newestCompleted("kernel", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.change(), i -> i.position())
        .containsExactly("4711", 4711L);
    assertThat(images.completed("kernel", "main", Arch.AMD64, "1200"))
        .get()
        .extracting(i -> i.position())
        .isEqualTo(1200L);
  }

  @Test
  void aPerforceBuildReportedAsAnotherChangeFailsAndBecomesNoImage() throws Exception {
    var newest = claimedPerforce(1, "4711");
    assertThat(reports.apply(completed(newest, "h1", "h1/0", 4711L, kernelImage("4711")))).isTrue();
    var older = claimedPerforce(2, "1200");

    // Its builder says it built a later change, with that change's tag.
    var claimedLater =
        BuildEnded.of(
            "h1",
            older.scheduleId(),
            "alice",
            "h1/0",
            1,
            BuildStatus.COMPLETED,
            "999999999",
            999_999_999L,
            kernelImage("999999999"),
            "sha256:" + "b".repeat(64),
            null,
            "built",
            T0);
    assertThat(reports.apply(claimedLater)).isTrue();

    var ended = schedules.get("alice", older.scheduleId(), true).orElseThrow();
    assertThat(ended.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(ended.reason()).contains("of change 999999999").contains(kernelImage("1200"));
    assertThat(images.newestCompleted("kernel", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.change())
        .isEqualTo("4711");
    assertThat(images.completed("kernel", "main", Arch.AMD64, "999999999")).isEmpty();
  }

  @Test
  void aPerforceLabelFromBeforeNumbersWereRequiredIsNeverTheDefaultButHeadIs() throws Exception {
    var numbered = claimedPerforce(1, "4711");
    assertThat(reports.apply(completed(numbered, "h1", "h1/0", 4711L, kernelImage("4711"))))
        .isTrue();
    clock.advance(Duration.ofSeconds(60));
    var label = claimedPerforce(2, "REL_1_0");
    assertThat(reports.apply(completed(label, "h1", "h1/0", null, kernelImage("REL_1_0"))))
        .isTrue();
    assertThat(images.completed("kernel", "main", Arch.AMD64, "REL_1_0"))
        .as("built, and an image")
        .get()
        .extracting(i -> i.position())
        .isEqualTo(0L);
    assertThat(images.newestCompleted("kernel", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.change())
        .isEqualTo("4711");

    clock.advance(Duration.ofSeconds(60));
    var head = claimedPerforce(3, "head");
    assertThat(reports.apply(completed(head, "h1", "h1/0", null, kernelImage("head")))).isTrue();
    assertThat(images.newestCompleted("kernel", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.change())
        .isEqualTo("head");
  }

  @Test
  void theHoldersReportOfItsOwnImageCompletesTheBuild() {
    assertThat(reports.apply(completed("h1", "h1/0", OWN_IMAGE))).isTrue();

    assertThat(stored().status()).isEqualTo(BuildStatus.COMPLETED);
    assertThat(images.newestCompleted("shop", "main", Arch.AMD64))
        .get()
        .extracting(i -> i.imageRef())
        .isEqualTo(OWN_IMAGE);
  }
}
