package io.a4c.functions.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.Arch;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.http.PageTokens;
import io.a4c.functions.quotas.UsageCounters;
import io.a4c.functions.testing.DynamoDbEngine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The image-schedules list's {@code nextToken} is sealed for its user's list, as README says. */
class ImageScheduleReadsTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private BuildScheduleStore store;
  private ImageScheduleReads reads;
  private int nextId;

  @BeforeEach
  void reads() {
    var usage = new UsageCounters(dynamo.client(), dynamo.table(A4cTables.USAGE));
    store = new BuildScheduleStore(dynamo.client(), usage, dynamo.table(A4cTables.BUILD_SCHEDULES));
    var logs = new BuildLogStore(dynamo.client(), dynamo.table(A4cTables.BUILD_LOGS));
    // Ended builds without an image: the list asks neither the queue waits nor the fleet.
    reads =
        new ImageScheduleReads(
            store,
            logs,
            null,
            null,
            new PageTokens(FunctionsConfig.fromEnvironment(FunctionsConfigTest.minimal())));
  }

  @Test
  void aNextTokenPagesOnlyTheListItWasIssuedForAndCannotBeCrafted() {
    String first = failed("alice");
    String second = failed("alice");
    String bobs = failed("bob");
    failed("bob");

    var page1 = reads.list("alice", 1, null);
    var page2 = reads.list("alice", 1, page1.nextToken());

    assertThat(page1.items()).extracting(ImageScheduleView::scheduleId).containsExactly(first);
    assertThat(page2.items()).extracting(ImageScheduleView::scheduleId).containsExactly(second);
    String crafted =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(("s1:" + bobs).getBytes(StandardCharsets.UTF_8));
    for (String bad : new String[] {crafted, page1.nextToken() + "x"}) {
      assertThatThrownBy(() -> reads.list("bob", 1, bad))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .extracting("field")
          .isEqualTo("nextToken");
    }
    assertThatThrownBy(() -> reads.list("bob", 1, page1.nextToken()))
        .as("alice's token on bob's list")
        .isInstanceOf(InvalidRequestException.class);
  }

  private String failed(String userId) {
    String id = String.format("bs-%026d", ++nextId);
    assertThat(
            store.insert(
                new BuildSchedule(
                    userId,
                    id,
                    null,
                    "proj",
                    "main",
                    Arch.AMD64,
                    null,
                    BuildKind.USER,
                    BuildStatus.FAILED,
                    1,
                    1,
                    "h1/1",
                    "h1",
                    null,
                    null,
                    "broke",
                    null,
                    false,
                    "{}",
                    T0,
                    T0,
                    T0,
                    T0,
                    null)))
        .isTrue();
    return id;
  }
}
