package io.a4c.events;

/**
 * Schema versions of the contracts. A reader accepts the versions it understands, {@link #OLDEST}
 * to {@link #CURRENT}, and refuses others. A field a later release adds does not change the version
 * (readers ignore unknown fields, {@link EventJson#messageReader}); a change an older reader would
 * misread does, and its readers are deployed before its writers (docs/deploy.md).
 */
final class Versions {
  static final int CURRENT = 1;

  /** The oldest version this release still reads: messages of the previous release may wait. */
  static final int OLDEST = 1;

  private Versions() {}

  static int require(String type, int version) {
    if (version < OLDEST || version > CURRENT) {
      throw new IllegalArgumentException(type + " version " + version + " is not supported");
    }
    return version;
  }
}
