package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildJob;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildSource;
import io.a4c.events.BuildSpec;
import io.a4c.events.BuildStatus;
import io.a4c.events.CallerProof;
import io.a4c.functions.audit.AuditEntry;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.hostauth.HostEventSenders;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claim function's door against Dynoxide, with signatures as the local runtime checks them: a
 * claim in another host's name is refused before it touches the build, and audited; the named
 * host's own claim is granted. On the code before the door, h1 took h2's slot's build.
 */
class BuildClaimDoorTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final byte[] H1_KEY = filled(1);
  private static final byte[] H2_KEY = filled(2);

  private final TestClock clock = new TestClock(T0);
  private BuildScheduleStore schedules;
  private AuditLog audit;
  private BuildClaimDoor door;

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @BeforeEach
  void services() {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    env.put(FunctionsEnv.USAGE_TABLE, dynamo.table(A4cTables.USAGE));
    env.put(FunctionsEnv.HOSTS_TABLE, dynamo.table(A4cTables.HOSTS));
    env.put(FunctionsEnv.HOST_IMAGES_TABLE, dynamo.table(A4cTables.HOST_IMAGES));
    env.put(FunctionsEnv.BUILD_SCHEDULES_TABLE, dynamo.table(A4cTables.BUILD_SCHEDULES));
    env.put(FunctionsEnv.HOST_AUTH, "signature");
    env.put(
        FunctionsEnv.HOST_EVENT_KEYS,
        "h1="
            + Base64.getEncoder().encodeToString(H1_KEY)
            + ",h2="
            + Base64.getEncoder().encodeToString(H2_KEY));
    FunctionsConfig config = FunctionsConfig.fromEnvironment(env);
    var client = dynamo.client();
    schedules =
        new BuildScheduleStore(
            client, new UsageCounters(client, config.security().usageTable()), config);
    audit = TestAudit.log(client, config, clock);
    door =
        new BuildClaimDoor(
            new HostEventSenders(
                config,
                () -> {
                  throw new AssertionError("the signature check never asks STS");
                }),
            new BuildLease(
                schedules, new BuilderStore(client, config), clock, Duration.ofSeconds(30)),
            audit);
  }

  @Test
  void aClaimInAnotherHostsNameIsRefusedAtTheDoorAndAudited() {
    String scheduleId = scheduled();
    var forH2 = BuildClaim.of(scheduleId, "alice", "h2", "h2/0", 1);

    var answer = door.claim(forH2.withProof(CallerProof.signed(H1_KEY, forH2.signedText())));

    assertThat(answer.granted()).isFalse();
    assertThat(answer.reason()).contains("not shown to be host h2");
    assertThat(schedules.get("alice", scheduleId, true).orElseThrow().status())
        .isEqualTo(BuildStatus.SCHEDULED);
    assertThat(door.claim(forH2).granted()).as("a claim with no proof").isFalse();
    List<AuditEntry> entries = audit.page("alice", 10, null).items();
    assertThat(entries)
        .extracting(AuditEntry::action)
        .containsExactly("build-claim.rejected", "build-claim.rejected");
    assertThat(entries.getFirst().details())
        .containsEntry("scheduleId", scheduleId)
        .containsEntry("workerId", "h2/0");

    var granted = door.claim(forH2.withProof(CallerProof.signed(H2_KEY, forH2.signedText())));

    assertThat(granted.granted()).as("h2's own claim").isTrue();
    assertThat(schedules.get("alice", scheduleId, true).orElseThrow().workerId()).isEqualTo("h2/0");
  }

  private String scheduled() {
    var job =
        BuildJob.of(
            "bs-" + "5".repeat(26),
            "alice",
            BuildKind.USER,
            "shop",
            "main",
            Arch.AMD64,
            "4711",
            new BuildSpec(
                "debian:12", List.of(), List.of(), BuildSource.git("https://git.example/shop.git")),
            T0);
    var scheduled = BuildSchedule.scheduled(job, "{}", "shop-image", null);
    assertThat(schedules.insert(scheduled)).isTrue();
    return scheduled.scheduleId();
  }
}
