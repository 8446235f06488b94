package io.a4c.events;

/**
 * Pull a build's image onto this host before any workspace asks for it, so a create placed here
 * starts without a pull. Sent to a share of the arch's hosts when a build completes (the project's
 * {@code prefetch.hosts}). About no workspace: every prefetch of a host shares the message group
 * {@link #MESSAGE_GROUP}, so a host pulls one prefetched image at a time, beside its workspaces'
 * commands. Idempotent: an image the host holds already is success. A failed pull is not retried (a
 * create placed on the host pulls the image anyway).
 */
public record PrefetchImage(int version, String commandId, String hostId, String imageRef)
    implements HostCommand {
  /** The one message group of a host's prefetches: at most one prefetch pull at a time. */
  public static final String MESSAGE_GROUP = "prefetch";

  public PrefetchImage {
    Versions.require("PrefetchImage", version);
    Names.requireText("commandId", commandId);
    Names.require("hostId", hostId, Names.HOST_ID);
    Names.require("imageRef", imageRef, Names.IMAGE_REF);
  }

  /** A version-1 command. */
  public static PrefetchImage of(String commandId, String hostId, String imageRef) {
    return new PrefetchImage(Versions.CURRENT, commandId, hostId, imageRef);
  }

  /** None: a prefetch is about an image, not a workspace. */
  @Override
  public String workspaceId() {
    return null;
  }

  @Override
  public String messageGroup() {
    return MESSAGE_GROUP;
  }
}
