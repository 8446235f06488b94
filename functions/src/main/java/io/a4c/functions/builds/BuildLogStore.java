package io.a4c.functions.builds;

import io.a4c.events.Redaction;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Build logs in DynamoDB, one item per schedule (the last attempt's log; a builder keeps the head
 * and tail of a long one, so it fits an item). The log of a build's end is a plain put: a duplicate
 * report writes the same log again. While the build runs, its builder's updates are stored as the
 * <em>live</em> log ({@code live} set, with the update's attempt and {@code seq}), each only over
 * an older live one, so a late or reordered update never replaces a newer log nor the end's. A log
 * is stored with any URL's credentials masked ({@link Redaction}): every user may read it, and a
 * builder not yet masking them may have quoted a source URL. Thread-safe.
 */
@Singleton
public final class BuildLogStore {
  /**
   * A stored log.
   *
   * @param live whether it is a running build's log so far (the end's log is not)
   * @param from a live log's: where its text (the output's last part) starts in the whole output;
   *     null for the end's log, or a live one from a daemon from before windows (its whole log)
   * @param written the end's: how long the whole output was; null from a daemon from before
   * @param tailFrom the end's, when its middle was left out: where the text's tail (after the
   *     marker) starts in the whole output
   */
  public record BuildLog(
      String scheduleId,
      int attempt,
      String text,
      Instant writtenAt,
      boolean live,
      Long from,
      Long written,
      Long tailFrom) {

    /** The marker a builder puts where it left the middle of a long output out. */
    private static final Pattern CUT_MARKER = Pattern.compile("\n\\[… \\d+ bytes left out …]\n");

    /** What follows the first {@code after} code units of the whole output, and where it ends. */
    public record Slice(String text, long nextOffset) {}

    /**
     * What a follower that has read the output's first {@code after} UTF-16 code units reads next:
     * offsets count in the build's whole output, whatever part of it is kept, so a follower that
     * reads on never misses what a live window or a cut moved. Where what it asks for is no longer
     * kept (it fell behind a live window, or into the middle the end's log left out), a marker says
     * how much it skips.
     */
    public Slice after(long after) {
      long start;
      String kept;
      if (from != null) {
        start = from;
        kept = text;
      } else if (tailFrom != null && written != null) {
        long tailLength = written - tailFrom;
        if (after <= 0 || tailLength > text.length()) {
          return new Slice(text, written);
        }
        start = tailFrom;
        int tailStart = (int) (text.length() - tailLength);
        kept = text.substring(tailStart);
        int headEnd = headEnd(tailStart);
        if (after < headEnd) {
          // Still in the head, which is kept: the rest of it, the cut's marker, the tail.
          return new Slice(text.substring(whole(text, (int) after)), written);
        }
      } else {
        start = 0;
        kept = text; // the whole output, or a log whose place is unknown (an older daemon's)
      }
      long end = start + kept.length();
      if (after < start) {
        String skipped =
            after <= 0 && start > 0
                ? "[… the first " + start + " characters are not shown while the build runs …]\n"
                : "[… " + (start - after) + " characters left out …]\n";
        return new Slice(skipped + kept, end);
      }
      int index = (int) Math.min(after - start, kept.length());
      return new Slice(kept.substring(whole(kept, index)), end);
    }

    /**
     * Where the head of an end's log whose middle was left out ends: at the marker the builder put
     * before the tail ({@code \n[… N bytes left out …]\n}); 0 when no such marker is there.
     */
    private int headEnd(int tailStart) {
      int marker = text.lastIndexOf("\n[… ", tailStart - 1);
      return marker > 0 && CUT_MARKER.matcher(text.substring(marker, tailStart)).matches()
          ? marker
          : 0;
    }

    /** {@code index}, or the one before it where it would split a character. */
    private static int whole(String text, int index) {
      if (index > 0 && index < text.length() && Character.isLowSurrogate(text.charAt(index))) {
        return index - 1; // never half a character
      }
      return index;
    }
  }

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  BuildLogStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.builds().logsTable());
  }

  BuildLogStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * Stores the log of a build's end.
   *
   * @param written how long the whole output was (null when its builder did not say)
   * @param tailFrom where the text's tail starts in it, when its middle was left out
   */
  void put(String scheduleId, int attempt, String text, Long written, Long tailFrom, Instant at) {
    var writer =
        ItemWriter.item()
            .key(A4cTables.BUILD_LOGS.key(scheduleId))
            .number("attempt", attempt)
            .string("text", Redaction.text(text))
            .instant("writtenAt", at);
    if (written != null) {
      writer.number("written", written);
    }
    if (tailFrom != null) {
      writer.number("tailFrom", tailFrom);
    }
    var item = writer.build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  /**
   * Stores a running build's log so far, unless a newer one is stored: the end's log, a later
   * attempt's, or a later update ({@code seq}) of the same attempt. Answers whether it was written.
   */
  boolean putLive(String scheduleId, int attempt, long seq, String text, Long from, Instant at) {
    var writer =
        ItemWriter.item()
            .key(A4cTables.BUILD_LOGS.key(scheduleId))
            .number("attempt", attempt)
            .string("text", Redaction.text(text))
            .instant("writtenAt", at)
            .bool("live", true)
            .number("seq", seq);
    if (from != null) {
      writer.number("from", from);
    }
    var item = writer.build();
    return Writes.conditionally(
        () ->
            dynamo.putItem(
                b ->
                    b.tableName(table)
                        .item(item)
                        .conditionExpression(
                            "attribute_not_exists(scheduleId) OR (live = :live AND (attempt < :attempt"
                                + " OR (attempt = :attempt AND seq < :seq)))")
                        .expressionAttributeValues(
                            Map.of(
                                ":live", Values.bool(true),
                                ":attempt", Values.n(attempt),
                                ":seq", Values.n(seq)))));
  }

  Optional<BuildLog> get(String scheduleId) {
    return Reads.item(dynamo, table, A4cTables.BUILD_LOGS.key(scheduleId), false)
        .map(ItemReader::of)
        .map(
            read ->
                new BuildLog(
                    scheduleId,
                    read.integer("attempt"),
                    read.string("text"),
                    read.instant("writtenAt"),
                    read.bool("live"),
                    read.has("from") ? read.number("from") : null,
                    read.has("written") ? read.number("written") : null,
                    read.has("tailFrom") ? read.number("tailFrom") : null));
  }
}
