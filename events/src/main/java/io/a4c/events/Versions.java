package io.a4c.events;

/** Schema versions of the contracts; a reader refuses versions it does not know. */
final class Versions {
  static final int CURRENT = 1;

  private Versions() {}

  static int require(String type, int version) {
    if (version != CURRENT) {
      throw new IllegalArgumentException(type + " version " + version + " is not supported");
    }
    return version;
  }
}
