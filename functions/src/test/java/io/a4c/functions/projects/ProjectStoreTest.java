package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.EventJson;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

  /**
   * An item written before {@code PUT} refused repeats, straight into the table: it reads with each
   * of its lists that name an entry once holding it once, at its first place; setup as stored.
   */
  @Test
  void aProjectStoredWithRepeatedEntriesIsReadWithEachOnceInItsFirstPlace() {
    String doc =
        """
        {"projectName": "old", "updatedAt": "2026-01-01T00:00:00Z", "config": {
          "source": {"type": "git", "url": "https://git.example/old.git"},
          "baseImage": "debian:12",
          "tools": ["make", "git", "make", "curl", "git"],
          "parents": ["release", "main", "release", "main"],
          "setup": ["make deps", "make deps"],
          "recurringBuilds": [
            {"parentName": "main", "arch": "amd64", "cron": "cron(0 3 ? * * *)"},
            {"parentName": "main", "arch": "arm64", "cron": "cron(0 3 ? * * *)"},
            {"parentName": "main", "arch": "amd64", "cron": "cron(0 3 ? * * *)"}],
          "builders": ["bob", "*", "bob", "alice", "*"]}}
        """;
    dynamo
        .client()
        .putItem(
            b ->
                b.tableName(dynamo.table(A4cTables.PROJECTS))
                    .item(
                        Map.of(
                            "projectName", AttributeValue.fromS("old"),
                            "doc", AttributeValue.fromS(doc))));

    var read = store.get("old").orElseThrow();
    var config = read.config();

    assertThat(config.tools()).containsExactly("make", "git", "curl");
    assertThat(config.parents()).containsExactly("release", "main");
    assertThat(config.recurringBuilds())
        .containsExactly(
            new RecurringBuild("main", "amd64", "cron(0 3 ? * * *)"),
            new RecurringBuild("main", "arm64", "cron(0 3 ? * * *)"));
    assertThat(config.builders()).containsExactly("bob", "*", "alice");
    assertThat(config.setup()).containsExactly("make deps", "make deps");
    assertThat(read.updatedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(store.all()).containsExactly(read);
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
