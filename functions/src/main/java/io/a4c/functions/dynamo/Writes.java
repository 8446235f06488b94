package io.a4c.functions.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Conditional writes and pages: what every store does the same way. */
public final class Writes {
  private Writes() {}

  /**
   * Runs a conditional write.
   *
   * @return false when its condition failed (nothing was written)
   */
  public static boolean conditionally(Runnable write) {
    try {
      write.run();
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The value of {@code attribute} in a query's last evaluated key: where the next page starts. */
  public static String lastKey(QueryResponse response, String attribute) {
    Map<String, AttributeValue> last = response.lastEvaluatedKey();
    return response.hasLastEvaluatedKey() && !last.isEmpty() ? last.get(attribute).s() : null;
  }
}
