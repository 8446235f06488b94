package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON form of every contract: ISO-8601 instants, nulls left out.
 *
 * <p>Two ways of reading it. The mapper itself refuses unknown properties: API request bodies are
 * read with it, where a field the service does not know is the caller's mistake and answered 400.
 * Messages between the functions and the daemons (commands, host events, build jobs, claims and
 * their answers) are read with {@link #messageReader}, which ignores unknown properties: during a
 * rolling upgrade a newer sender adds fields an older reader does not know yet, and the reader must
 * still carry the message out (docs/deploy.md, "Upgrade order"). Versions ({@code version}) stay
 * checked: a reader refuses a version it does not understand, and its consumer parks the message in
 * a dead-letter queue rather than dropping it.
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

  /**
   * A reader of queue messages of {@code type} (at any depth) that ignores properties it does not
   * know, so a message from a newer release is read as far as this release understands it. Readers
   * are immutable and thread-safe.
   */
  public static ObjectReader messageReader(ObjectMapper mapper, Class<?> type) {
    return mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
}
