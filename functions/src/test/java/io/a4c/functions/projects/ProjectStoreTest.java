package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.EventJson;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Projects against Dynoxide: one JSON document per project, read back as written. */
class ProjectStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private ProjectStore store;

  @BeforeEach
  void store() {
    store =
        new ProjectStore(dynamo.client(), dynamo.table(A4cTables.PROJECTS), EventJson.newMapper());
  }

  @Test
  void aProjectIsReadBackAsWrittenAndReplacedByItsName() {
    var first = project("proj", "debian:12");
    var second = project("proj", "debian:13");
    var other = project("other", "debian:12");

    store.put(first);
    assertThat(store.get("proj")).contains(first);
    store.put(second);
    store.put(other);

    assertThat(store.get("proj")).contains(second);
    assertThat(store.all()).containsExactlyInAnyOrder(second, other);
    assertThat(store.get("missing")).isEmpty();
  }

  private static Project project(String name, String baseImage) {
    return new Project(
        name,
        new ProjectConfig(
            new ProjectSource("git", null, "https://git.example/proj.git"),
            baseImage,
            List.of("git"),
            List.of("main"),
            List.of(),
            null,
            null,
            List.of(),
            null,
            null,
            null,
            null),
        Instant.parse("2026-03-01T10:00:00.5Z"));
  }
}
