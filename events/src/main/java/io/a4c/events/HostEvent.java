package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a host daemon reports on the shared host-events queue. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Heartbeat.class, name = "Heartbeat"),
  @JsonSubTypes.Type(value = WorkspaceStatus.class, name = "WorkspaceStatus"),
  @JsonSubTypes.Type(value = HostInventory.class, name = "HostInventory"),
  @JsonSubTypes.Type(value = BuildEnded.class, name = "BuildEnded"),
  @JsonSubTypes.Type(value = BuildLogUpdate.class, name = "BuildLogUpdate"),
  @JsonSubTypes.Type(value = BuilderStatus.class, name = "BuilderStatus"),
  @JsonSubTypes.Type(value = SshKeysApplied.class, name = "SshKeysApplied"),
  @JsonSubTypes.Type(value = PoolMemberStatus.class, name = "PoolMemberStatus")
})
public sealed interface HostEvent
    permits Heartbeat,
        WorkspaceStatus,
        HostInventory,
        BuildEnded,
        BuildLogUpdate,
        BuilderStatus,
        SshKeysApplied,
        PoolMemberStatus {
  /** Schema version of this event's JSON form. */
  int version();

  /** The host that reports; the consumer checks it owns what the event names. */
  String hostId();
}
