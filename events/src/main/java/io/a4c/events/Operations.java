package io.a4c.events;

/**
 * Operation numbers: every stop, start and rebuild of a workspace takes the next number of its
 * record, and the host echoes the number of the command it carries out in its reports. A report of
 * an operation older than the record's is late and changes nothing. A create is operation 0.
 */
final class Operations {
  private Operations() {}

  static void require(long operation) {
    if (operation < 0) {
      throw new IllegalArgumentException("operation must not be negative");
    }
  }
}
