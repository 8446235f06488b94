package io.a4c.local.bench;

import io.a4c.daemon.builds.BuildLog;
import io.a4c.events.BuildEnded;

/**
 * What keeping a chatty build's log costs the builder: {@code megabytes} MB of 100-byte lines
 * appended to a {@link BuildLog} of the report's size, as a build's output reaches it, three rounds
 * (the first warms the JIT up); prints the time of each. No engine needed.
 *
 * <p>{@code java -cp local/target/a4c-local.jar io.a4c.local.bench.BuildLogBenchmark [megabytes]}
 * (default 20).
 */
public final class BuildLogBenchmark {
  private BuildLogBenchmark() {}

  public static void main(String[] args) {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    String line = "x".repeat(99) + "\n";
    for (int round = 1; round <= 3; round++) {
      var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
      long start = System.nanoTime();
      for (int i = 0; i < megabytes * 10_000; i++) {
        log.text(line);
      }
      System.out.printf(
          "round %d: %d MB of 100-byte lines kept in %.0f ms (%d bytes kept)%n",
          round, megabytes, (System.nanoTime() - start) / 1e6, log.text().length());
    }
  }
}
