package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Images in DynamoDB: partition {@code project#parent#arch}, sort key the change. "Newest" is the
 * newest change, by {@link Image#position} (git revisions do not sort by name, and builds do not
 * end in change order), then by completion time among equal or unknown positions. Thread-safe.
 */
@Singleton
public final class ImageStore {
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
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
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
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(
                        Map.of(":k", Values.s(Image.key(projectName, parentName, arch)))));
    return pages.items().stream()
        .map(ImageStore::fromItem)
        .filter(ImageStore::isCompleted)
        .max(Comparator.comparingLong(Image::position).thenComparing(Image::createdAt));
  }

  /**
   * The COMPLETED images of a project's parent and arch, newest first (the order {@link
   * #newestCompleted} picks by), at most {@code limit}.
   */
  public java.util.List<Image> completedNewestFirst(
      String projectName, String parentName, Arch arch, int limit) {
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(
                        Map.of(":k", Values.s(Image.key(projectName, parentName, arch)))));
    return pages.items().stream()
        .map(ImageStore::fromItem)
        .filter(ImageStore::isCompleted)
        .sorted(
            Comparator.comparingLong(Image::position).thenComparing(Image::createdAt).reversed())
        .limit(limit)
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
