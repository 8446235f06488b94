package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of every contract: ISO-8601 instants, nulls left out, unknown properties
 * refused (a message that does not fit is a bug, not something to guess at).
 */
public final class EventJson {
  private EventJson() {}

  /** A new mapper configured for the contracts. Mappers are thread-safe: make one and share it. */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }
}
