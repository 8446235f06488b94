package io.a4c.functions.dynamo;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Builds an item, one typed line per attribute. A null value leaves the attribute out (DynamoDB has
 * no null strings, and a missing attribute keeps sparse indexes sparse). Not thread-safe: one per
 * item.
 */
public final class ItemWriter {
  private final Map<String, AttributeValue> item = new HashMap<>();

  private ItemWriter() {}

  public static ItemWriter item() {
    return new ItemWriter();
  }

  public ItemWriter string(String name, String value) {
    if (value != null) {
      item.put(name, AttributeValue.fromS(value));
    }
    return this;
  }

  /** An enum constant by name. */
  public ItemWriter name(String name, Enum<?> value) {
    return string(name, value == null ? null : value.name());
  }

  public ItemWriter number(String name, long value) {
    item.put(name, Values.n(value));
    return this;
  }

  /** A number stored only when above zero (counters whose absence means none). */
  public ItemWriter positive(String name, long value) {
    return value > 0 ? number(name, value) : this;
  }

  public ItemWriter bool(String name, boolean value) {
    item.put(name, AttributeValue.fromBool(value));
    return this;
  }

  /** An instant in {@link Timestamps}' one form. */
  public ItemWriter instant(String name, Instant value) {
    return string(name, value == null ? null : Timestamps.format(value));
  }

  /** An instant as epoch milliseconds. */
  public ItemWriter epochMillis(String name, Instant value) {
    return value == null ? this : number(name, value.toEpochMilli());
  }

  public ItemWriter strings(String name, List<String> values) {
    item.put(name, AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList()));
    return this;
  }

  /** A map of strings, left out when empty. */
  public ItemWriter stringMap(String name, Map<String, String> values) {
    if (!values.isEmpty()) {
      Map<String, AttributeValue> map = new HashMap<>();
      values.forEach((k, v) -> map.put(k, AttributeValue.fromS(v)));
      item.put(name, AttributeValue.fromM(map));
    }
    return this;
  }

  /** The key attributes of {@code key}, e.g. {@code A4cTables.WORKSPACES.key(...)}. */
  public ItemWriter key(Map<String, AttributeValue> key) {
    item.putAll(key);
    return this;
  }

  /** Present only when {@code when}: a sparse index's marker. */
  public ItemWriter flag(String name, boolean when) {
    return when ? string(name, "1") : this;
  }

  public Map<String, AttributeValue> build() {
    return Map.copyOf(item);
  }
}
