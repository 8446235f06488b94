package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.util.ArrayList;
import java.util.Comparator;
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

  /**
   * Creates or replaces the image of one change. The first COMPLETED one of a partition the index
   * holds nothing of gives the partition's older images their order first ({@link
   * #orderUnindexed}), so that a build of an older change, ending after the deploy, does not hide
   * the newer images written before it.
   */
  public void put(Image image) {
    String imageKey = Image.key(image.projectName(), image.parentName(), image.arch());
    if (isCompleted(image) && indexed(imageKey, 1).isEmpty()) {
      orderUnindexed(imageKey);
    }
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
    return String.format(java.util.Locale.ROOT, "%019d.%019d", image.position(), completed);
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
      if (giveOrder(dynamo, table, fromItem(item))) {
        added++;
      }
    }
    return added;
  }

  /**
   * Writes a COMPLETED image's order, unless it has one or is no longer COMPLETED (a put replaced
   * it meanwhile); whether it wrote.
   */
  private static boolean giveOrder(DynamoDbClient dynamo, String table, Image image) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(
                            A4cTables.IMAGES.key(
                                Image.key(image.projectName(), image.parentName(), image.arch()),
                                image.change()))
                        .updateExpression("SET #order = :order")
                        .conditionExpression(
                            "#status = :completed AND attribute_not_exists(#order)")
                        .expressionAttributeNames(Map.of("#order", ORDER, "#status", "status"))
                        .expressionAttributeValues(
                            Map.of(
                                ":order",
                                Values.s(order(image)),
                                ":completed",
                                Values.s(Image.COMPLETED)))));
  }

  /**
   * The COMPLETED images of a partition read from the table itself, each given its order where it
   * had none: images written before the index, in a table deployed before it (the local runtime
   * gives its own theirs at start, {@link #addOrderToOlderImages}). Run where the index holds
   * nothing of the partition, so once per partition that has COMPLETED images.
   */
  private List<Image> orderUnindexed(String imageKey) {
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(Map.of(":k", Values.s(imageKey))));
    List<Image> completed = new ArrayList<>();
    for (var item : pages.items()) {
      Image image = fromItem(item);
      if (isCompleted(image)) {
        if (!item.containsKey(ORDER)) {
          giveOrder(dynamo, table, image);
        }
        completed.add(image);
      }
    }
    return completed;
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
    String imageKey = Image.key(projectName, parentName, arch);
    List<Image> newest = indexed(imageKey, limit);
    if (!newest.isEmpty()) {
      return newest;
    }
    // Nothing in the index: none completed yet, or all written before it (a deployed table keeps
    // its items through the upgrade) and not yet given their order, which this read gives them.
    return orderUnindexed(imageKey).stream()
        .sorted(
            Comparator.comparingLong(Image::position).thenComparing(Image::createdAt).reversed())
        .limit(limit)
        .toList();
  }

  /** At most {@code limit} of the partition's images in the index, newest first. */
  private List<Image> indexed(String imageKey, int limit) {
    // One page of `limit` items: the index holds only COMPLETED images, so no filter drops any.
    return dynamo
        .query(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.IMAGES_NEWEST.name())
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(Map.of(":k", Values.s(imageKey)))
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
