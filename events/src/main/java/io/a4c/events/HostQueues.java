package io.a4c.events;

/** Queue naming shared by the functions (senders) and the host daemons (which create them). */
public final class HostQueues {
  private HostQueues() {}

  /** The FIFO queue of one host's commands: {@code <prefix><hostId>.fifo}. */
  public static String commandQueueName(String prefix, String hostId) {
    return prefix + Names.require("hostId", hostId, Names.HOST_ID) + ".fifo";
  }

  /**
   * The FIFO dead-letter queue every host's command queue hands a command to once it was received
   * {@code maxReceiveCount} times without being carried out (unreadable, or failing for good):
   * {@code <prefix>dead_letters.fifo}. The underscore keeps it apart from every host's queue (host
   * ids have none). The stack makes it (with an alarm); each daemon points its own queue at it.
   */
  public static String commandDeadLetterQueueName(String prefix) {
    return prefix + "dead_letters.fifo";
  }
}
