package io.a4c.local.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Records, for docs/failure-handling.md, how long a fault took to converge: one CSV line per
 * converged fault in {@code target/fault-figures.csv} ({@code local/fault-figures.sh} runs the
 * fault tests N times and tabulates them). A test that did not converge fails and records nothing.
 */
public final class FaultFigures {
  private static final Path FILE = Path.of("target", "fault-figures.csv");

  private FaultFigures() {}

  /**
   * Notes that {@code fault}, injected at {@code injectedAtNanos}, converged now with nothing left
   * behind.
   */
  public static synchronized void converged(String fault, long injectedAtNanos) {
    long millis = (System.nanoTime() - injectedAtNanos) / 1_000_000;
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(
          FILE, fault + "," + millis + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
