package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.functions.audit.Origin;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an admin may write as a project's configuration, against Dynoxide. */
class ProjectServiceTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Origin ROOT = new Origin("root", true, "req-1", null);

  private ProjectStore store;
  private ProjectService projects;

  @BeforeEach
  void services() {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.PROJECTS_TABLE, dynamo.table(A4cTables.PROJECTS));
    env.put(FunctionsEnv.IMAGES_TABLE, dynamo.table(A4cTables.IMAGES));
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    var config = FunctionsConfig.fromEnvironment(env);
    var clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    store = TestProjects.store(dynamo.client(), config);
    projects =
        TestProjects.service(
            dynamo.client(), config, clock, TestAudit.log(dynamo.client(), config, clock));
  }

  @Test
  void aParentNamedTwiceIsA400NamingTheRepeatAndNothingIsWritten() {
    assertThatThrownBy(() -> projects.put(ROOT, "shop", config("main", "release", "main")))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("parents[2]");
              assertThat(e.getMessage()).contains("main").contains("parents[0]");
            });
    assertThat(store.get("shop")).isEmpty();
  }

  @Test
  void aToolListedTwiceIsA400NamingTheRepeatAndNothingIsWritten() {
    var config = config(List.of("git", "make", "git"), List.of("*"), List.of(), List.of());

    assertThatThrownBy(() -> projects.put(ROOT, "shop", config))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("tools[2]");
              assertThat(e.getMessage()).contains("git").contains("tools[0]");
            });
    assertThat(store.get("shop")).isEmpty();
  }

  @Test
  void aBuilderNamedTwiceIsA400NamingTheRepeatAndNothingIsWritten() {
    for (var builders : List.of(List.of("alice", "bob", "alice"), List.of("*", "bob", "*"))) {
      var config = config(List.of(), builders, List.of(), List.of());

      assertThatThrownBy(() -> projects.put(ROOT, "shop", config))
          .as("%s", builders)
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> {
                assertThat(e.field()).isEqualTo("builders[2]");
                assertThat(e.getMessage()).contains(builders.get(0)).contains("builders[0]");
              });
    }
    assertThat(store.get("shop")).isEmpty();
  }

  @Test
  void aRecurringBuildIdenticalToAnotherIsA400NamingTheRepeatAndNothingIsWritten() {
    var nightly = new RecurringBuild("main", "amd64", "cron(0 3 ? * * *)");
    // arch left out is amd64: the same build as nightly.
    var sameArchLeftOut = new RecurringBuild("main", null, "cron(0 3 ? * * *)");
    var config =
        config(
            List.of(),
            List.of("*"),
            List.of(),
            List.of(
                nightly,
                new RecurringBuild("main", "arm64", "cron(0 3 ? * * *)"),
                sameArchLeftOut));

    assertThatThrownBy(() -> projects.put(ROOT, "shop", config))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo("recurringBuilds[2]");
              assertThat(e.getMessage()).contains("recurringBuilds[0]");
            });
    assertThat(store.get("shop")).isEmpty();
  }

  @Test
  void entriesThatDifferInAnyFieldAndRepeatedSetupCommandsAreTaken() {
    var config =
        config(
            List.of("git", "make"),
            List.of("*", "alice"),
            List.of("apt-get update", "make", "apt-get update"),
            List.of(
                new RecurringBuild("main", "amd64", "cron(0 3 ? * * *)"),
                new RecurringBuild("main", "arm64", "cron(0 3 ? * * *)"),
                new RecurringBuild("main", "amd64", "cron(0 4 ? * * *)")));

    var put = projects.put(ROOT, "shop", config);

    assertThat(put.config()).isEqualTo(config);
    assertThat(projects.get("shop").config().setup())
        .containsExactly("apt-get update", "make", "apt-get update");
  }

  @Test
  void aConfigurationStoredWithAParentTwiceIsStillReadWithTheParentOnce() {
    var stored =
        new Project(
            "old", config("main", "release", "main"), Instant.parse("2026-01-01T00:00:00Z"));
    store.put(stored);

    assertThat(projects.get("old"))
        .isEqualTo(
            new Project("old", config("main", "release"), Instant.parse("2026-01-01T00:00:00Z")));
  }

  private static ProjectConfig config(
      List<String> tools,
      List<String> builders,
      List<String> setup,
      List<RecurringBuild> recurringBuilds) {
    return new ProjectConfig(
        new ProjectSource("git", null, "https://git.example/shop.git"),
        "debian:12",
        tools,
        List.of("main"),
        setup,
        null,
        null,
        recurringBuilds,
        null,
        builders,
        null,
        null);
  }

  private static ProjectConfig config(String... parents) {
    return new ProjectConfig(
        new ProjectSource("git", null, "https://git.example/shop.git"),
        "debian:12",
        List.of(),
        List.of(parents),
        List.of(),
        null,
        null,
        List.of(),
        null,
        null,
        null,
        null);
  }
}
