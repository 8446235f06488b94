package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Images against Dynoxide: by change, and the newest COMPLETED one: the newest change, then the
 * last to complete.
 */
class ImageStoreTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.5Z");

  private ImageStore store;

  @BeforeEach
  void store() {
    store = new ImageStore(dynamo.client(), dynamo.table(A4cTables.IMAGES));
  }

  @Test
  void anImageOfAChangeIsFoundOnlyOnceCompleted() {
    store.put(image("c1", "BUILDING", T0));
    assertThat(store.completed("proj", "main", Arch.AMD64, "c1")).isEmpty();

    var done = image("c1", Image.COMPLETED, T0);
    store.put(done);
    assertThat(store.completed("proj", "main", Arch.AMD64, "c1")).contains(done);
    assertThat(store.completed("proj", "main", Arch.ARM64, "c1")).isEmpty();
  }

  @Test
  void theNewestCompletedImageIsTheNewestChangesNotTheLastToComplete() {
    var newest = image("c9", 9, Image.COMPLETED, T0);
    store.put(newest);
    store.put(image("c3", 3, Image.COMPLETED, T0.plusSeconds(1)));
    store.put(image("c12", 12, "BUILDING", T0.plusSeconds(2)));

    assertThat(store.newestCompleted("proj", "main", Arch.AMD64)).contains(newest);
  }

  @Test
  void amongEqualOrUnknownPositionsTheLastToCompleteIsTheNewest() {
    var older = image("zzz", Image.COMPLETED, T0);
    var newer = image("aaa", Image.COMPLETED, T0.plusSeconds(1));
    store.put(older);
    store.put(newer);
    store.put(image("mmm", "BUILDING", T0.plusSeconds(2)));

    assertThat(store.newestCompleted("proj", "main", Arch.AMD64)).contains(newer);
  }

  private static Image image(String change, String status, Instant at) {
    return image(change, 0, status, at);
  }

  private static Image image(String change, long position, String status, Instant at) {
    return new Image(
        "proj", "main", Arch.AMD64, change, position, "reg/proj:" + change, status, at);
  }
}
