package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What travels on the build queue (and lands in its dead-letter queue). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = BuildJob.class, name = "BuildJob")})
public sealed interface BuildMessage permits BuildJob {
  int version();
}
