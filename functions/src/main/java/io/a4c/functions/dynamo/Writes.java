package io.a4c.functions.dynamo;

import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Conditional writes, which every store makes the same way. */
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
}
