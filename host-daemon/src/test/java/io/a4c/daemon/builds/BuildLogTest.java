package io.a4c.daemon.builds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.BuildEnded;
import io.a4c.events.BuildStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A build log's limit is counted in UTF-8 bytes, what the report's queue and table count. */
class BuildLogTest {
  private static BuildEnded reportWith(String log) {
    return BuildEnded.of(
        "h1",
        "bs-01jd0000000000000000000000",
        "alice",
        "h1/0",
        1,
        BuildStatus.FAILED,
        null,
        null,
        null,
        null,
        "broke",
        log,
        Instant.parse("2026-11-24T16:00:00Z"));
  }

  @Test
  void aLongLogOfWideCharactersKeepsWithinTheReportsBytes() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    for (int i = 0; i < 4_000; i++) {
      log.line("€ 😀 ü ".repeat(10)); // 3, 4 and 2 bytes a character
    }

    String text = log.text();
    assertThat(text.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(BuildEnded.MAX_LOG_BYTES)
        .isGreaterThan(BuildEnded.MAX_LOG_BYTES - 200);
    assertThat(text).contains(" bytes left out …]\n").doesNotContain("\uFFFD");
    assertThat(reportWith(text).log()).isEqualTo(text);
  }

  @Test
  void theTailKeepsTheLastCharactersWrittenWholeAndCountsWhatItLeftOut() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    var all = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String line = i + (i % 3 == 0 ? " 😀€ü" : " plain") + "\n";
      log.text(line);
      all.append(line);
    }

    String text = log.text();
    String marker = " bytes left out …]\n";
    String tail = text.substring(text.indexOf(marker) + marker.length());
    String head = text.substring(0, text.indexOf("\n[… "));
    assertThat(all.toString()).startsWith(head).endsWith(tail);
    long total = all.toString().getBytes(StandardCharsets.UTF_8).length;
    long kept =
        head.getBytes(StandardCharsets.UTF_8).length + tail.getBytes(StandardCharsets.UTF_8).length;
    assertThat(text).contains("\n[… " + (total - kept) + " bytes left out");
    assertThat(text.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(BuildEnded.MAX_LOG_BYTES)
        .isGreaterThan(BuildEnded.MAX_LOG_BYTES - 200);
  }

  @Test
  void aWindowIsTheOutputsLastBytesWholeAndSaysWhereTheyStart() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    var all = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String line = i + (i % 3 == 0 ? " 😀€ü" : " plain") + "\n";
      log.text(line);
      all.append(line);
      if (i == 10 || i % 997 == 0) {
        var window = log.window(io.a4c.events.BuildLogUpdate.WINDOW_BYTES);
        assertThat(window.text().getBytes(StandardCharsets.UTF_8).length)
            .isLessThanOrEqualTo(io.a4c.events.BuildLogUpdate.WINDOW_BYTES);
        assertThat(window.from() + window.text().length()).isEqualTo(all.length());
        assertThat(all.substring((int) window.from())).isEqualTo(window.text());
        if (all.toString().getBytes(StandardCharsets.UTF_8).length
            <= io.a4c.events.BuildLogUpdate.WINDOW_BYTES) {
          assertThat(window.from()).isZero();
        } else {
          assertThat(window.text().getBytes(StandardCharsets.UTF_8).length)
              .isGreaterThan(io.a4c.events.BuildLogUpdate.WINDOW_BYTES - 4);
        }
      }
    }
    assertThat(log.written()).isEqualTo(all.length());
  }

  @Test
  void theReportSaysWhereItsTailStartsInTheWholeOutput() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    log.line("short");
    assertThat(log.tailFrom()).as("nothing left out").isNull();

    var all = new StringBuilder("short\n");
    for (int i = 0; i < 20_000; i++) {
      String line = i + " 😀 line\n";
      log.text(line);
      all.append(line);
    }
    String text = log.text();
    long tailFrom = log.tailFrom();
    assertThat(text).endsWith(all.substring((int) tailFrom));
    assertThat(all.length() - tailFrom)
        .isEqualTo(text.length() - text.indexOf(" bytes left out …]\n") - 19);
  }

  @Test
  void aReportRefusesALogOverItsBytesThoughFewerCharacters() {
    String wide = "€".repeat(BuildEnded.MAX_LOG_BYTES / 3 + 1);

    assertThatThrownBy(() -> reportWith(wide))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bytes");
  }
}
