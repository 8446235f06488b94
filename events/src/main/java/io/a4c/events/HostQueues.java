package io.a4c.events;

/** Queue naming shared by the functions (senders) and the host daemons (which create them). */
public final class HostQueues {
  private HostQueues() {}

  /** The FIFO queue of one host's commands: {@code <prefix><hostId>.fifo}. */
  public static String commandQueueName(String prefix, String hostId) {
    return prefix + Names.require("hostId", hostId, Names.HOST_ID) + ".fifo";
  }
}
