package io.a4c.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** CPU architectures A4C places workspaces on, in Docker's platform spelling. */
public enum Arch {
  AMD64("amd64"),
  ARM64("arm64");

  private final String wireName;

  Arch(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in APIs, image tags and heartbeats. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /**
   * Parses an API or platform name; accepts the kernel's spellings ({@code x86_64}, {@code
   * aarch64}) that a host reports.
   *
   * @throws IllegalArgumentException for any other value
   */
  @JsonCreator
  public static Arch parse(String value) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64":
          return AMD64;
        case "arm64", "aarch64":
          return ARM64;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("arch must be one of amd64, arm64");
  }
}
