package io.a4c.functions.dynamo;

import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attribute values for keys, conditions and expression values, in A4C's stored forms. */
public final class Values {
  public static final AttributeValue ZERO = AttributeValue.fromN("0");
  public static final AttributeValue ONE = AttributeValue.fromN("1");

  private Values() {}

  public static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  public static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  public static AttributeValue bool(boolean value) {
    return AttributeValue.fromBool(value);
  }

  /** An instant in {@link Timestamps}' one form. */
  public static AttributeValue instant(Instant at) {
    return AttributeValue.fromS(Timestamps.format(at));
  }

  /** An instant as epoch milliseconds: a number, for attributes compared as numbers. */
  public static AttributeValue epochMillis(Instant at) {
    return n(at.toEpochMilli());
  }

  /** An enum constant by name. */
  public static AttributeValue name(Enum<?> value) {
    return AttributeValue.fromS(value.name());
  }
}
