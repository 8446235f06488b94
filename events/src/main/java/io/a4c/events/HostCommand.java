package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A command the functions send to one host's FIFO command queue. Commands of one workspace share a
 * message group, so a host sees them in the order they were sent; prefetches ({@link
 * PrefetchImage}) have a group of their own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CreateWorkspace.class, name = "CreateWorkspace"),
  @JsonSubTypes.Type(value = DeleteWorkspace.class, name = "DeleteWorkspace"),
  @JsonSubTypes.Type(value = SyncSshKeys.class, name = "SyncSshKeys"),
  @JsonSubTypes.Type(value = StopWorkspace.class, name = "StopWorkspace"),
  @JsonSubTypes.Type(value = StartWorkspace.class, name = "StartWorkspace"),
  @JsonSubTypes.Type(value = RebuildWorkspace.class, name = "RebuildWorkspace"),
  @JsonSubTypes.Type(value = PrefetchImage.class, name = "PrefetchImage"),
  @JsonSubTypes.Type(value = FillPool.class, name = "FillPool")
})
public sealed interface HostCommand
    permits CreateWorkspace,
        DeleteWorkspace,
        SyncSshKeys,
        StopWorkspace,
        StartWorkspace,
        RebuildWorkspace,
        PrefetchImage,
        FillPool {
  /** Schema version of this command's JSON form. */
  int version();

  /** Unique per command; the FIFO deduplication id. */
  String commandId();

  /** The host that must carry it out. */
  String hostId();

  /** The workspace it is about; null for a command about none ({@link PrefetchImage}). */
  String workspaceId();

  /** The FIFO message group: the workspace's, so its commands run in order. */
  default String messageGroup() {
    return workspaceId();
  }
}
