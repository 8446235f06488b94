package io.a4c.functions.dynamo;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A table as A4C declares it, read by the stores (keys, index names), the local runtime (which
 * creates it) and the CDK stack (which deploys it): every key attribute is a string, billing is on
 * demand.
 *
 * @param id the table's name in the CDK stack (its construct id); the deployed name is generated
 * @param partitionKey the partition key attribute
 * @param sortKey the sort key attribute, or null
 * @param indexes its global secondary indexes
 * @param timeToLive the attribute DynamoDB's TTL reads (epoch seconds), or null
 */
public record TableSpec(
    String id, String partitionKey, String sortKey, List<IndexSpec> indexes, String timeToLive) {

  public TableSpec {
    indexes = List.copyOf(indexes);
  }

  /** The name the local runtime gives it: {@code a4c-} and the id in kebab case. */
  public String localName() {
    return "a4c-" + id.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The key of the item with this partition key (a table without a sort key). */
  public Map<String, AttributeValue> key(String partition) {
    return Map.of(partitionKey, AttributeValue.fromS(partition));
  }

  /** The key of the item with this partition and sort key. */
  public Map<String, AttributeValue> key(String partition, String sort) {
    return Map.of(
        partitionKey, AttributeValue.fromS(partition), sortKey, AttributeValue.fromS(sort));
  }

  /** Every attribute a key of the table or of one of its indexes names, each once, in order. */
  public List<String> keyAttributes() {
    var names = new java.util.LinkedHashSet<String>();
    names.add(partitionKey);
    if (sortKey != null) {
      names.add(sortKey);
    }
    for (IndexSpec index : indexes) {
      names.add(index.partitionKey());
      names.add(index.sortKey());
    }
    return List.copyOf(names);
  }
}
