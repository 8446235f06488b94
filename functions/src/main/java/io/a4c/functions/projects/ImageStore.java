package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Images in DynamoDB: partition {@code project#parent#arch}, sort key the change. "Newest" is the
 * newest change, by {@link Image#position} (git revisions do not sort by name, and builds do not
 * end in change order), then by completion time among equal or unknown positions. A COMPLETED image
 * carries that order as a string ({@link #ORDER}), the sort key of the sparse {@link
 * A4cTables#IMAGES_NEWEST} index: the newest is one item read from it, however many builds the
 * partition holds (a recurring build adds one a day, a busy project one a change). Thread-safe.
 */
@Singleton
public final class ImageStore {
  /** The attribute {@link A4cTables#IMAGES_NEWEST} sorts by: position, then completion. */
  static final String ORDER = "newestOrder";

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  ImageStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.imagesTable());
  }

  ImageStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Creates or replaces the image of one change. */
  public void put(Image image) {
    var item =
        ItemWriter.item()
            .key(
                A4cTables.IMAGES.key(
                    Image.key(image.projectName(), image.parentName(), image.arch()),
                    image.change()))
            .string("projectName", image.projectName())
            .string("parentName", image.parentName())
            .string("arch", image.arch().wireName())
            .positive("position", image.position())
            .string("imageRef", image.imageRef())
            .string("status", image.status())
            .instant("createdAt", image.createdAt())
            .string(ORDER, isCompleted(image) ? order(image) : null)
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  /**
   * The order newest-first reads by, as a string that sorts so: the position, then the completion
   * time, both zero-padded.
   */
  static String order(Image image) {
    long completed = image.createdAt() == null ? 0 : image.createdAt().toEpochMilli();
    return String.format("%019d.%019d", image.position(), completed);
  }

  /**
   * Gives the COMPLETED images written before images carried their {@link #ORDER} one, so that
   * {@link #newestCompleted} finds them: a scan of the whole table, for the local runtime's start
   * on an older data directory (idempotent; nothing to do on a table written since).
   *
   * @return how many images it gave an order
   */
  public static int addOrderToOlderImages(DynamoDbClient dynamo, String table) {
    int added = 0;
    var pages =
        dynamo.scanPaginator(
            b ->
                b.tableName(table)
                    .filterExpression("#status = :completed AND attribute_not_exists(#order)")
                    .expressionAttributeNames(Map.of("#status", "status", "#order", ORDER))
                    .expressionAttributeValues(Map.of(":completed", Values.s(Image.COMPLETED))));
    for (var item : pages.items()) {
      Image image = fromItem(item);
      dynamo.updateItem(
          b ->
              b.tableName(table)
                  .key(
                      A4cTables.IMAGES.key(
                          Image.key(image.projectName(), image.parentName(), image.arch()),
                          image.change()))
                  .updateExpression("SET #order = :order")
                  .expressionAttributeNames(Map.of("#order", ORDER))
                  .expressionAttributeValues(Map.of(":order", Values.s(order(image)))));
      added++;
    }
    return added;
  }

  /** The image of exactly that change, if it is COMPLETED. */
  public Optional<Image> completed(
      String projectName, String parentName, Arch arch, String change) {
    var key = A4cTables.IMAGES.key(Image.key(projectName, parentName, arch), change);
    return Reads.item(dynamo, table, key, false)
        .map(ImageStore::fromItem)
        .filter(ImageStore::isCompleted);
  }

  /**
   * The COMPLETED image of the newest change of a project's parent and arch: the greatest position,
   * then the last to complete. A build of an older change, ending later, never displaces it.
   */
  public Optional<Image> newestCompleted(String projectName, String parentName, Arch arch) {
    return completedNewestFirst(projectName, parentName, arch, 1).stream().findFirst();
  }

  /**
   * The COMPLETED images of a project's parent and arch, newest first (the order {@link
   * #newestCompleted} picks by), at most {@code limit}: from the index, so only those are read.
   */
  public List<Image> completedNewestFirst(
      String projectName, String parentName, Arch arch, int limit) {
    // One page of `limit` items: the index holds only COMPLETED images, so no filter drops any.
    return dynamo
        .query(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.IMAGES_NEWEST.name())
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(
                        Map.of(":k", Values.s(Image.key(projectName, parentName, arch))))
                    .scanIndexForward(false)
                    .limit(limit))
        .items()
        .stream()
        .map(ImageStore::fromItem)
        .toList();
  }

  private static boolean isCompleted(Image image) {
    return Image.COMPLETED.equals(image.status());
  }

  private static Image fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new Image(
        read.string("projectName"),
        read.string("parentName"),
        Arch.parse(read.string("arch")),
        read.string("change"),
        read.number("position"),
        read.string("imageRef"),
        read.string("status"),
        read.instant("createdAt"));
  }
}
