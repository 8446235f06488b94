package io.a4c.functions.hosts;

import io.a4c.events.Heartbeat;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.Parallel;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Which hosts hold an image, by image: one item per image reference and host ({@link
 * A4cTables#HOST_IMAGES}), kept from the hosts' heartbeats, so a create reads the holders of its
 * image as one small query, and the hosts table's items stay small: a host's list of up to hundreds
 * of references was most of its item, read by every create's scan of the fleet and rewritten by
 * every heartbeat. Thread-safe.
 *
 * <p>A host's items change only when its image list does (the hosts table keeps the {@link #digest}
 * of the list last indexed), and every {@link #REINDEX_AFTER} besides, which mends what a read of
 * the eventually consistent {@code byHost} index missed. Each item carries the send time of the
 * heartbeat that last said so ({@code beatMs}), and every write is conditioned on being newer than
 * it, so an older heartbeat's write never overwrites a newer one's; one the newer heartbeat did not
 * see (two consumers at once) is undone by the next heartbeat ({@link HostStore#imagesRaced}). A
 * host that stopped holding an image leaves a tombstone ({@code held} false), not a gap, so that a
 * late, older heartbeat cannot bring it back; tombstones expire a day later ({@code expiresAt},
 * DynamoDB's time to live).
 */
@Singleton
public final class HostImageStore {
  /**
   * How often a host's image items are rewritten from its heartbeat though its list is the same.
   */
  static final Duration REINDEX_AFTER = Duration.ofMinutes(10);

  /** How long a tombstone stays: far longer than any heartbeat is delivered late. */
  static final Duration TOMBSTONE_TTL = Duration.ofDays(1);

  /** How many writes of one indexing go at once. */
  private static final int WRITES_AT_ONCE = 16;

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  HostImageStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.hostImagesTable());
  }

  public HostImageStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * The hosts that hold {@code imageRef}, as their heartbeats last said: one strongly consistent
   * query of that image's items (one per host that ever held it in the last day).
   */
  public Set<String> holders(String imageRef) {
    Set<String> holders = new HashSet<>();
    dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("imageRef = :ref")
                    .filterExpression("held = :true")
                    .projectionExpression("hostId")
                    .expressionAttributeValues(
                        Map.of(":ref", Values.s(imageRef), ":true", Values.bool(true))))
        .items()
        .forEach(item -> holders.add(ItemReader.of(item).string("hostId")));
    return holders;
  }

  /**
   * The images {@code hostId} holds, as its heartbeats last said, sorted: for the admins' view of
   * the fleet (one query of the host's items).
   */
  public List<String> imagesOf(String hostId) {
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.HOST_IMAGES_BY_HOST.name())
                    .keyConditionExpression("hostId = :host")
                    .filterExpression("held = :true")
                    .expressionAttributeValues(
                        Map.of(":host", Values.s(hostId), ":true", Values.bool(true))))
        .items()
        .stream()
        .map(item -> ItemReader.of(item).string("imageRef"))
        .sorted()
        .toList();
  }

  /**
   * Whether {@code beat}'s image list must be indexed: it is not the one last indexed ({@code
   * indexed}, the digest the hosts table keeps), or that was longer than {@link #REINDEX_AFTER}
   * ago.
   */
  public static boolean due(Heartbeat beat, String indexed, Instant indexedAt, Instant now) {
    return !digest(beat.images()).equals(indexed)
        || indexedAt == null
        || indexedAt.isBefore(now.minus(REINDEX_AFTER));
  }

  /**
   * Makes the host's items say what {@code beat} says: held for each image it lists, a tombstone
   * for each the host held before and no longer lists. Each write only over an older heartbeat's
   * word.
   */
  public void index(Heartbeat beat, Instant now) {
    long sent = beat.sentAt().toEpochMilli();
    Set<String> listed = new TreeSet<>(beat.images());
    Map<String, Boolean> stored = new HashMap<>();
    dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.HOST_IMAGES_BY_HOST.name())
                    .keyConditionExpression("hostId = :host")
                    .expressionAttributeValues(Map.of(":host", Values.s(beat.hostId()))))
        .items()
        .forEach(
            item -> {
              var read = ItemReader.of(item);
              stored.put(read.string("imageRef"), read.has("held") && read.bool("held"));
            });
    List<Runnable> writes = new ArrayList<>();
    for (String ref : listed) {
      if (!Boolean.TRUE.equals(stored.get(ref))) {
        writes.add(() -> mark(ref, beat.hostId(), sent, true, null));
      }
    }
    long expires = now.plus(TOMBSTONE_TTL).getEpochSecond();
    stored.forEach(
        (ref, held) -> {
          if (held && !listed.contains(ref)) {
            writes.add(() -> mark(ref, beat.hostId(), sent, false, expires));
          }
        });
    for (int i = 0; i < writes.size(); i += WRITES_AT_ONCE) {
      var batch = new Parallel();
      var started =
          writes.subList(i, Math.min(writes.size(), i + WRITES_AT_ONCE)).stream()
              .map(
                  write ->
                      batch.start(
                          () -> {
                            write.run();
                            return null;
                          }))
              .toList();
      batch.await();
      started.forEach(Parallel.Read::get); // rethrows the first failure: the next beat retries
    }
  }

  private void mark(String ref, String hostId, long sent, boolean held, Long expires) {
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> values =
        new HashMap<>();
    values.put(":held", Values.bool(held));
    values.put(":sent", Values.n(sent));
    String update = "SET held = :held, beatMs = :sent";
    if (expires == null) {
      update += " REMOVE expiresAt";
    } else {
      update += ", expiresAt = :expires";
      values.put(":expires", Values.n(expires));
    }
    String expression = update;
    Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(A4cTables.HOST_IMAGES.key(ref, hostId))
                        .updateExpression(expression)
                        .conditionExpression("attribute_not_exists(beatMs) OR beatMs < :sent")
                        .expressionAttributeValues(values)));
  }

  /** A digest of an image list, whatever its order: what the hosts table keeps as indexed. */
  public static String digest(List<String> images) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      for (String ref : new TreeSet<>(images)) {
        sha.update(ref.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return Base64.getEncoder().withoutPadding().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
