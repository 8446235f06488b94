package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.builds.BuildLog;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildLogUpdate;
import io.a4c.functions.builds.BuildLogStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A running build's log as its owner follows it ({@code GET …/log?after=N}, as the CLI and the
 * dashboard do): the daemon's live windows ({@link BuildLog#window}) read through the API's slice
 * ({@link BuildLogStore.BuildLog#after}), then the end's log. A follower that reads at least once
 * per window of output sees every character exactly once, however long the log grows past what a
 * report keeps; one that falls further behind is told how much it skipped.
 */
class LiveLogFollowTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void aFollowerOfAChattyBuildReadsEveryLineOnceWellPastWhatTheReportKeeps() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    var all = new StringBuilder();
    var followed = new StringBuilder();
    long offset = 0;
    var random = new Random(7);
    int line = 0;
    // ~1 MB of output, in pieces of up to ~6 KB between two updates (the window is 16 KiB)
    while (all.length() < 1_000_000) {
      int lines = 1 + random.nextInt(60);
      for (int i = 0; i < lines; i++) {
        String text = "line " + line++ + (line % 5 == 0 ? " 😀 €" : "") + " compiling…\n";
        log.text(text);
        all.append(text);
      }
      var window = log.window(BuildLogUpdate.WINDOW_BYTES);
      assertThat(window.text().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(BuildLogUpdate.WINDOW_BYTES);
      var slice = live(window).after(offset);
      followed.append(slice.text());
      offset = slice.nextOffset();
    }
    assertThat(followed.toString()).isEqualTo(all.toString());

    // The end's log keeps head and tail only; the follower has it all and reads nothing more.
    var end = ended(log);
    assertThat(end.text()).contains(" bytes left out …]");
    var last = end.after(offset);
    assertThat(last.text()).isEmpty();
    assertThat(last.nextOffset()).isEqualTo(all.length());
  }

  @Test
  void aFollowerThatFellBehindAWindowIsToldHowMuchItSkipped() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    log.line("first");
    var first = live(log.window(BuildLogUpdate.WINDOW_BYTES)).after(0);
    assertThat(first.text()).isEqualTo("first\n");

    String burst = "x".repeat(40_000) + "\n";
    log.text(burst);
    var window = log.window(BuildLogUpdate.WINDOW_BYTES);
    var next = live(window).after(first.nextOffset());
    long skipped = window.from() - first.nextOffset();
    assertThat(next.text())
        .startsWith("[… " + skipped + " characters left out …]\n")
        .endsWith(window.text());
    assertThat(next.nextOffset()).isEqualTo(6 + burst.length());

    // Opening the log of a running build: its end, and how much came before.
    assertThat(live(window).after(0).text())
        .startsWith(
            "[… the first " + window.from() + " characters are not shown while the build runs");
  }

  @Test
  void aFollowerWhoseBuildEndedMidWindowReadsTheRestFromTheEndsLog() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    var all = new StringBuilder();
    for (int i = 0; i < 15_000; i++) {
      String text = "step " + i + "\n";
      log.text(text);
      all.append(text);
    }
    var seen = live(log.window(BuildLogUpdate.WINDOW_BYTES)).after(all.length() - 10);
    long offset = seen.nextOffset();
    for (int i = 0; i < 30; i++) {
      String text = "after " + i + "\n";
      log.text(text);
      all.append(text);
    }

    var end = ended(log);
    assertThat(end.text()).contains(" bytes left out …]");
    var rest = end.after(offset);
    assertThat(rest.text()).isEqualTo(all.substring((int) offset));
    assertThat(rest.nextOffset()).isEqualTo(all.length());
    assertThat(end.after(0).text()).isEqualTo(end.text());
  }

  @Test
  void aFollowerStillInTheHeadWhenTheBuildEndsReadsTheRestOfTheHeadThenTheTail() {
    var log = new BuildLog(BuildEnded.MAX_LOG_BYTES);
    log.line("checkout");
    var seen = live(log.window(BuildLogUpdate.WINDOW_BYTES)).after(0);
    for (int i = 0; i < 20_000; i++) {
      log.line("step " + i); // far more than head and tail between two updates
    }

    var end = ended(log);
    var rest = end.after(seen.nextOffset());
    // what the head kept after "checkout\n" is shown, then the builder's marker and the tail
    assertThat(rest.text()).isEqualTo(end.text().substring((int) seen.nextOffset()));
    assertThat(rest.text()).startsWith("step 0\n").contains(" bytes left out …]\n");
    assertThat(rest.nextOffset()).isEqualTo(log.written());
  }

  private static BuildLogStore.BuildLog live(BuildLog.Window window) {
    return new BuildLogStore.BuildLog(
        "bs-1", 1, window.text(), T0, true, window.from(), null, null);
  }

  private static BuildLogStore.BuildLog ended(BuildLog log) {
    return new BuildLogStore.BuildLog(
        "bs-1", 1, log.text(), T0, false, null, log.written(), log.tailFrom());
  }
}
