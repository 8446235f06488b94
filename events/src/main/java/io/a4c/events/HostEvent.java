package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a host daemon reports on the shared host-events queue. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Heartbeat.class, name = "Heartbeat"),
  @JsonSubTypes.Type(value = WorkspaceStatus.class, name = "WorkspaceStatus"),
  @JsonSubTypes.Type(value = HostInventory.class, name = "HostInventory")
})
public sealed interface HostEvent permits Heartbeat, WorkspaceStatus, HostInventory {
  /** Schema version of this event's JSON form. */
  int version();

  /** The host that reports; the consumer checks it owns what the event names. */
  String hostId();
}
