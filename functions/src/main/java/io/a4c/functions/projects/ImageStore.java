package io.a4c.functions.projects;

import io.a4c.events.Arch;
import io.a4c.functions.config.FunctionsConfig;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Images in DynamoDB: partition {@code project#parent#arch}, sort key the change. "Newest" is by
 * completion time, since git revisions do not sort. Thread-safe.
 */
@Singleton
public final class ImageStore {
  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  ImageStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.table = config.imagesTable();
  }

  /** Creates or replaces the image of one change. */
  public void put(Image image) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(
        "imageKey",
        AttributeValue.fromS(Image.key(image.projectName(), image.parentName(), image.arch())));
    item.put("change", AttributeValue.fromS(image.change()));
    item.put("projectName", AttributeValue.fromS(image.projectName()));
    item.put("parentName", AttributeValue.fromS(image.parentName()));
    item.put("arch", AttributeValue.fromS(image.arch().wireName()));
    item.put("imageRef", AttributeValue.fromS(image.imageRef()));
    item.put("status", AttributeValue.fromS(image.status()));
    item.put("createdAt", AttributeValue.fromS(image.createdAt().toString()));
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  /** The image of exactly that change, if it is COMPLETED. */
  public Optional<Image> completed(
      String projectName, String parentName, Arch arch, String change) {
    var item =
        dynamo
            .getItem(
                b ->
                    b.tableName(table)
                        .key(
                            Map.of(
                                "imageKey",
                                    AttributeValue.fromS(Image.key(projectName, parentName, arch)),
                                "change", AttributeValue.fromS(change))))
            .item();
    return Optional.ofNullable(item)
        .filter(i -> !i.isEmpty())
        .map(ImageStore::fromItem)
        .filter(ImageStore::isCompleted);
  }

  /** The newest COMPLETED image of a project's parent and arch. */
  public Optional<Image> newestCompleted(String projectName, String parentName, Arch arch) {
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .keyConditionExpression("imageKey = :k")
                    .expressionAttributeValues(
                        Map.of(
                            ":k", AttributeValue.fromS(Image.key(projectName, parentName, arch)))));
    return pages.items().stream()
        .map(ImageStore::fromItem)
        .filter(ImageStore::isCompleted)
        .max(Comparator.comparing(Image::createdAt));
  }

  private static boolean isCompleted(Image image) {
    return Image.COMPLETED.equals(image.status());
  }

  private static Image fromItem(Map<String, AttributeValue> item) {
    return new Image(
        item.get("projectName").s(),
        item.get("parentName").s(),
        Arch.parse(item.get("arch").s()),
        item.get("change").s(),
        item.get("imageRef").s(),
        item.get("status").s(),
        Instant.parse(item.get("createdAt").s()));
  }
}
