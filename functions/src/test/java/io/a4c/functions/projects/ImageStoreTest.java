package io.a4c.functions.projects;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.events.Arch;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.testing.ClientSpy;
import io.a4c.functions.testing.DynamoDbEngine;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

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

  @Test
  void theNewestIsOneItemReadHoweverLongTheHistory() {
    var queried = new java.util.ArrayList<Integer>();
    var client = dynamo.client();
    var counting =
        ClientSpy.on(
            client,
            call -> {
              Object answer = call.proceed();
              if (answer instanceof QueryResponse r) {
                queried.add(r.scannedCount());
              }
              if (answer instanceof Iterable<?> pages) {
                // a paginator: count what its pages read, as they are read
                throw new AssertionError("the newest is read with one query, not " + pages);
              }
              return answer;
            });
    var reads = new ImageStore(counting, dynamo.table(A4cTables.IMAGES));
    for (int change = 1; change <= 120; change++) {
      // a recurring build a day: a new change each, some failed, completed out of order
      store.put(
          image(
              "c" + change,
              change,
              change % 7 == 0 ? "FAILED" : Image.COMPLETED,
              T0.plusSeconds(change % 5 == 0 ? 10_000 - change : change)));
    }

    assertThat(reads.newestCompleted("proj", "main", Arch.AMD64))
        .map(Image::change)
        .contains("c120");
    assertThat(queried).containsExactly(1);
    assertThat(reads.completedNewestFirst("proj", "main", Arch.AMD64, 3))
        .extracting(Image::change)
        .containsExactly("c120", "c118", "c117");
  }

  @Test
  void imagesWrittenBeforeTheNewestIndexAreFoundOnceTheRuntimeGaveThemTheirOrder() {
    var table = dynamo.table(A4cTables.IMAGES);
    putUnordered("old", "c4", "c9");

    assertThat(ImageStore.addOrderToOlderImages(dynamo.client(), table)).isEqualTo(2);
    assertThat(ImageStore.addOrderToOlderImages(dynamo.client(), table)).isZero();
    assertThat(store.newestCompleted("old", "main", Arch.AMD64)).map(Image::change).contains("c9");
  }

  @Test
  void imagesOfADeployedTableWrittenBeforeTheIndexAreFoundWithoutTheRuntimesBackfill() {
    // A deployed table keeps its items through the upgrade, and nothing scans it at start.
    putUnordered("deployed", "c4", "c9");

    assertThat(store.newestCompleted("deployed", "main", Arch.AMD64))
        .map(Image::change)
        .contains("c9");
    assertThat(store.completedNewestFirst("deployed", "main", Arch.AMD64, 5))
        .extracting(Image::change)
        .containsExactly("c9", "c4");
    // that read gave them their order: nothing is left for a backfill
    assertThat(ImageStore.addOrderToOlderImages(dynamo.client(), dynamo.table(A4cTables.IMAGES)))
        .isZero();
  }

  @Test
  void aBuildOfAnOlderChangeEndingAfterTheUpgradeDoesNotHideTheNewerImagesWrittenBeforeIt() {
    putUnordered("upgraded", "c4", "c9");

    store.put(
        new Image(
            "upgraded",
            "main",
            Arch.AMD64,
            "c5",
            5,
            "reg/upgraded:c5",
            Image.COMPLETED,
            T0.plusSeconds(60)));

    assertThat(store.newestCompleted("upgraded", "main", Arch.AMD64))
        .map(Image::change)
        .contains("c9");
  }

  /** Writes COMPLETED images as a table from before the newest index holds them: no order. */
  private static void putUnordered(String project, String... changes) {
    var table = dynamo.table(A4cTables.IMAGES);
    for (var change : changes) {
      dynamo
          .client()
          .putItem(
              b ->
                  b.tableName(table)
                      .item(
                          java.util.Map.of(
                              "imageKey", s(Image.key(project, "main", Arch.AMD64)),
                              "change", s(change),
                              "projectName", s(project),
                              "parentName", s("main"),
                              "arch", s("amd64"),
                              "position", n(change.substring(1)),
                              "imageRef", s("reg/" + project + ":" + change),
                              "status", s(Image.COMPLETED),
                              "createdAt", s("2026-03-01T10:00:00.000Z"))));
    }
  }

  private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String value) {
    return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(value);
  }

  private static software.amazon.awssdk.services.dynamodb.model.AttributeValue n(String value) {
    return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(value);
  }

  private static Image image(String change, String status, Instant at) {
    return image(change, 0, status, at);
  }

  private static Image image(String change, long position, String status, Instant at) {
    return new Image(
        "proj", "main", Arch.AMD64, change, position, "reg/proj:" + change, status, at);
  }
}
