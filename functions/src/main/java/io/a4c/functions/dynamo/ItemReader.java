package io.a4c.functions.dynamo;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads an item's attributes by type; a missing attribute reads as null (objects), zero (numbers),
 * false or empty. Timestamps are read in every form A4C ever wrote ({@link Timestamps#parse}).
 */
public final class ItemReader {
  private final Map<String, AttributeValue> item;

  private ItemReader(Map<String, AttributeValue> item) {
    this.item = item;
  }

  public static ItemReader of(Map<String, AttributeValue> item) {
    return new ItemReader(item);
  }

  public boolean has(String name) {
    return item.containsKey(name);
  }

  public String string(String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  /** An enum constant stored by name, or null. */
  public <E extends Enum<E>> E name(String name, Class<E> type) {
    String value = string(name);
    return value == null ? null : Enum.valueOf(type, value);
  }

  public long number(String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }

  public int integer(String name) {
    return Math.toIntExact(number(name));
  }

  public boolean bool(String name) {
    AttributeValue value = item.get(name);
    return value != null && Boolean.TRUE.equals(value.bool());
  }

  public Instant instant(String name) {
    String value = string(name);
    return value == null ? null : Timestamps.parse(value);
  }

  public Instant epochMillis(String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
  }

  public List<String> strings(String name) {
    AttributeValue value = item.get(name);
    return value == null ? List.of() : value.l().stream().map(AttributeValue::s).toList();
  }

  public Map<String, String> stringMap(String name) {
    Map<String, String> map = new HashMap<>();
    AttributeValue value = item.get(name);
    if (value != null) {
      value.m().forEach((k, v) -> map.put(k, v.s()));
    }
    return map;
  }
}
