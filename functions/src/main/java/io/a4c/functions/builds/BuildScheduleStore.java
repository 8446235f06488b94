package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildClaim;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.quotas.UsageCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Image schedules in DynamoDB: partition userId, sort scheduleId, so a user's list is one Query;
 * GSI {@code byStatus} (status, scheduledAt) orders the waiting builds for queue positions and the
 * recurring scheduler. Every status change is an update conditioned on {@link
 * BuildStatus#allowedFrom} of its target (and on the claim's attempt where a builder reports), so
 * duplicates and late reports change nothing.
 *
 * <p>A user's builds in flight are counted in {@link UsageCounters.Counter#BUILDS_IN_FLIGHT}: the
 * write of a SCHEDULED user build reserves one unit in the same transaction (which fails at the
 * quota, so simultaneous requests cannot pass it together), and every write that ends a build
 * (COMPLETED, FAILED, CANCELLED, or the removal of an unsent one) gives it back in its transaction.
 * Recurring builds ({@link RecurringBuilds#OWNER}) are not counted. Thread-safe.
 */
@Singleton
public final class BuildScheduleStore {
  static final String BY_STATUS = "byStatus";

  /**
   * Partition of the recurring-builds settings item; never a user id (those start alphanumeric).
   */
  static final String SETTINGS_PARTITION = "#settings";

  private static final List<String> LIST_ATTRIBUTES =
      List.of(
          "userId",
          "scheduleId",
          "imageName",
          "projectName",
          "parentName",
          "arch",
          "change",
          "kind",
          "status",
          "attempt",
          "attempts",
          "workerId",
          "hostId",
          "imageRef",
          "digest",
          "reason",
          "notifyEmail",
          "queued",
          "scheduledAt",
          "startedAt",
          "endedAt",
          "updatedAt");

  /** A page as stored: the items and the id to continue after, if any. */
  record StoredPage(List<BuildSchedule> items, String lastScheduleId) {}

  /** The user's builds-in-flight quota was reached: nothing was written. */
  static final class QuotaReached extends RuntimeException {
    QuotaReached() {
      super(null, null, false, false);
    }
  }

  private final DynamoDbClient dynamo;
  private final UsageCounters usage;
  private final String table;

  @Inject
  BuildScheduleStore(DynamoDbClient dynamo, UsageCounters usage, FunctionsConfig config) {
    this.dynamo = dynamo;
    this.usage = usage;
    this.table = config.builds().schedulesTable();
  }

  /** Writes a new recurring schedule; false when one of that id exists (a firing seen twice). */
  boolean insert(BuildSchedule schedule) {
    try {
      dynamo.putItem(
          b ->
              b.tableName(table)
                  .item(toItem(schedule))
                  .conditionExpression("attribute_not_exists(scheduleId)"));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Writes a new user schedule and reserves one of the user's {@code quota} builds in flight, in
   * one transaction.
   *
   * @throws QuotaReached when the user has {@code quota} builds in flight (nothing is written)
   */
  void insertCounted(BuildSchedule schedule, int quota) {
    var put =
        TransactWriteItem.builder()
            .put(
                p ->
                    p.tableName(table)
                        .item(toItem(schedule))
                        .conditionExpression("attribute_not_exists(scheduleId)"))
            .build();
    try {
      dynamo.transactWriteItems(
          t ->
              t.transactItems(
                  put,
                  usage.reserve(schedule.userId(), UsageCounters.Counter.BUILDS_IN_FLIGHT, quota)));
    } catch (TransactionCanceledException e) {
      if (failed(e.cancellationReasons(), 1)) {
        throw new QuotaReached();
      }
      throw e;
    }
  }

  /** How many builds in flight the user's counter holds. */
  long inFlight(String userId) {
    return usage.current(userId, UsageCounters.Counter.BUILDS_IN_FLIGHT);
  }

  Optional<BuildSchedule> get(String userId, String scheduleId, boolean consistent) {
    var item =
        dynamo
            .getItem(
                b -> b.tableName(table).key(key(userId, scheduleId)).consistentRead(consistent))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
  }

  /**
   * Up to {@code limit} of a user's schedules after {@code afterScheduleId} (null: from the start).
   */
  StoredPage list(String userId, int limit, String afterScheduleId) {
    var response =
        dynamo.query(
            b -> {
              b.tableName(table)
                  .keyConditionExpression("userId = :u")
                  .expressionAttributeValues(Map.of(":u", s(userId)))
                  .projectionExpression(projection())
                  .expressionAttributeNames(projectionNames())
                  .limit(limit);
              if (afterScheduleId != null) {
                b.exclusiveStartKey(key(userId, afterScheduleId));
              }
            });
    var items = response.items().stream().map(BuildScheduleStore::fromItem).toList();
    String last =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? response.lastEvaluatedKey().get("scheduleId").s()
            : null;
    return new StoredPage(items, last);
  }

  /** Marks a schedule's job as sent; false when it is no longer SCHEDULED and unsent. */
  boolean markQueued(BuildSchedule schedule, Instant now) {
    return update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET queued = :true, lastSentAt = :now, updatedAt = :now",
        "#status = :scheduled AND queued = :false",
        Map.of(
            ":true",
            AttributeValue.fromBool(true),
            ":false",
            AttributeValue.fromBool(false),
            ":now",
            s(now.toString()),
            ":scheduled",
            s(BuildStatus.SCHEDULED.name())));
  }

  /**
   * Takes the right to send a queued schedule's job again: moves {@code lastSentAt} from what the
   * caller read to now, so that of two sweeps at once only one re-sends it; false when it is no
   * longer SCHEDULED or someone else did.
   */
  boolean markResent(BuildSchedule schedule, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", s(now.toString()));
    values.put(":scheduled", s(BuildStatus.SCHEDULED.name()));
    values.put(":true", AttributeValue.fromBool(true));
    String sent;
    if (schedule.lastSentAt() == null) {
      sent = "attribute_not_exists(lastSentAt)";
    } else {
      sent = "lastSentAt = :read";
      values.put(":read", s(schedule.lastSentAt().toString()));
    }
    return update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET lastSentAt = :now, updatedAt = :now",
        "#status = :scheduled AND queued = :true AND " + sent,
        values);
  }

  /**
   * Removes a schedule whose job could not be sent, giving its quota back; only while nobody took
   * it.
   */
  boolean deleteUnsent(String userId, String scheduleId) {
    var delete =
        TransactWriteItem.builder()
            .delete(
                d ->
                    d.tableName(table)
                        .key(key(userId, scheduleId))
                        .conditionExpression("#status = :scheduled")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(
                            Map.of(":scheduled", s(BuildStatus.SCHEDULED.name()))))
            .build();
    return writeEnding(userId, delete);
  }

  /** SCHEDULED → CANCELLED. */
  boolean cancel(String userId, String scheduleId, Instant now) {
    var values = statusValues(BuildStatus.CANCELLED);
    values.put(":now", s(now.toString()));
    values.put(":reason", s("cancelled by its owner"));
    return ending(
        userId,
        scheduleId,
        "SET #status = :target, endedAt = :now, updatedAt = :now, reason = :reason",
        statusCondition(BuildStatus.CANCELLED),
        values);
  }

  /**
   * The claim: → IN_PROGRESS for this worker and attempt, from SCHEDULED, or from IN_PROGRESS held
   * by an earlier delivery of the job (its builder died and the message came back).
   */
  boolean claim(BuildClaim claim, Instant now) {
    var values = statusValues(BuildStatus.IN_PROGRESS);
    values.put(":attempt", n(claim.attempt()));
    values.put(":one", n(1));
    values.put(":worker", s(claim.workerId()));
    values.put(":host", s(claim.hostId()));
    values.put(":now", s(now.toString()));
    values.put(":inProgress", s(BuildStatus.IN_PROGRESS.name()));
    return update(
        claim.userId(),
        claim.scheduleId(),
        "SET #status = :target, attempt = :attempt, attempts = attempts + :one, workerId = :worker, hostId = :host,"
            + " startedAt = :now, updatedAt = :now",
        statusCondition(BuildStatus.IN_PROGRESS)
            + " AND (#status <> :inProgress OR attempt < :attempt)",
        values);
  }

  /** IN_PROGRESS → COMPLETED or FAILED, only for the claim's holder and attempt. */
  boolean end(BuildEnded report, Instant now) {
    var values = statusValues(report.status());
    values.put(":attempt", n(report.attempt()));
    values.put(":worker", s(report.workerId()));
    values.put(":now", s(now.toString()));
    StringBuilder set =
        new StringBuilder("SET #status = :target, endedAt = :now, updatedAt = :now");
    optional(set, values, "imageRef", report.imageRef());
    optional(set, values, "digest", report.digest());
    optional(set, values, "reason", report.reason());
    optional(set, values, "change", report.change());
    return ending(
        report.userId(),
        report.scheduleId(),
        set.toString(),
        statusCondition(report.status()) + " AND attempt = :attempt AND workerId = :worker",
        values);
  }

  /** SCHEDULED or IN_PROGRESS → FAILED with a reason (the job reached the dead-letter queue). */
  boolean failUnfinished(String userId, String scheduleId, String reason, Instant now) {
    var values = statusValues(BuildStatus.FAILED);
    values.put(":now", s(now.toString()));
    values.put(":reason", s(reason));
    return ending(
        userId,
        scheduleId,
        "SET #status = :target, endedAt = :now, updatedAt = :now, reason = :reason",
        statusCondition(BuildStatus.FAILED),
        values);
  }

  /**
   * Takes the right to send the end-of-build email; false when someone else took it (a duplicate
   * report being handled at the same time) or it was sent.
   */
  boolean claimEmail(BuildSchedule schedule, String claimId) {
    return update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET emailClaim = :claim",
        "attribute_not_exists(emailClaim) AND attribute_not_exists(emailSentAt)",
        new HashMap<>(Map.of(":claim", s(claimId))));
  }

  /** Gives the email claim back after a failed send, so a retry may take it. */
  void releaseEmail(BuildSchedule schedule, String claimId) {
    update(
        schedule.userId(),
        schedule.scheduleId(),
        "REMOVE emailClaim",
        "emailClaim = :claim",
        new HashMap<>(Map.of(":claim", s(claimId))));
  }

  void markEmailed(BuildSchedule schedule, String claimId, Instant now) {
    update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET emailSentAt = :now",
        "emailClaim = :claim",
        new HashMap<>(Map.of(":claim", s(claimId), ":now", s(now.toString()))));
  }

  /**
   * Every build in {@code status}, oldest first (from the byStatus index: eventually consistent).
   */
  List<BuildSchedule> withStatus(BuildStatus status) {
    return byStatus("#status = :s", Map.of(":s", s(status.name())));
  }

  /**
   * Every build in {@code status} scheduled before {@code before}, oldest first (eventually
   * consistent).
   */
  List<BuildSchedule> withStatusBefore(BuildStatus status, Instant before) {
    return byStatus(
        "#status = :s AND scheduledAt < :at",
        Map.of(":s", s(status.name()), ":at", s(Times.sortable(before))));
  }

  private List<BuildSchedule> byStatus(String keyCondition, Map<String, AttributeValue> values) {
    List<BuildSchedule> all = new ArrayList<>();
    dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(BY_STATUS)
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values))
        .items()
        .forEach(item -> all.add(fromItem(item)));
    return all;
  }

  /**
   * How many SCHEDULED builds of {@code kinds} and {@code arch} were scheduled before {@code at}.
   */
  int countWaitingBefore(Instant at, Set<BuildKind> kinds, Arch arch) {
    int count = 0;
    var names = Map.of("#status", "status", "#kind", "kind", "#arch", "arch");
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":arch", s(arch.wireName()));
    values.put(":s", s(BuildStatus.SCHEDULED.name()));
    values.put(":at", s(Times.sortable(at)));
    List<String> kindTerms = new ArrayList<>();
    int i = 0;
    for (BuildKind kind : kinds) {
      values.put(":k" + i, s(kind.name()));
      kindTerms.add(":k" + i++);
    }
    String filter = "#kind IN (" + String.join(", ", kindTerms) + ") AND #arch = :arch";
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(BY_STATUS)
                    .keyConditionExpression("#status = :s AND scheduledAt < :at")
                    .filterExpression(filter)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .select(Select.COUNT));
    for (var page : pages) {
      count += page.count();
    }
    return count;
  }

  /** Whether recurring builds are paused. */
  RecurringSettings recurringSettings() {
    var item =
        dynamo
            .getItem(
                b ->
                    b.tableName(table)
                        .key(key(SETTINGS_PARTITION, "recurring"))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return new RecurringSettings(false, null, null);
    }
    return new RecurringSettings(
        item.get("paused").bool(),
        string(item, "updatedBy"),
        item.containsKey("updatedAt") ? Instant.parse(string(item, "updatedAt")) : null);
  }

  void putRecurringSettings(RecurringSettings settings) {
    Map<String, AttributeValue> item = new HashMap<>(key(SETTINGS_PARTITION, "recurring"));
    item.put("paused", AttributeValue.fromBool(settings.paused()));
    item.put("updatedBy", s(settings.updatedBy()));
    item.put("updatedAt", s(settings.updatedAt().toString()));
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  private boolean update(
      String userId,
      String scheduleId,
      String updateExpression,
      String condition,
      Map<String, AttributeValue> values) {
    try {
      dynamo.updateItem(
          b -> {
            b.tableName(table)
                .key(key(userId, scheduleId))
                .updateExpression(updateExpression)
                .conditionExpression("attribute_exists(scheduleId) AND " + condition)
                .expressionAttributeValues(values);
            statusName(updateExpression, condition).ifPresent(b::expressionAttributeNames);
          });
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * An update that ends a build: it gives the user's build in flight back in the same transaction.
   */
  private boolean ending(
      String userId,
      String scheduleId,
      String updateExpression,
      String condition,
      Map<String, AttributeValue> values) {
    if (RecurringBuilds.OWNER.equals(userId)) {
      return update(userId, scheduleId, updateExpression, condition, values);
    }
    var write =
        TransactWriteItem.builder()
            .update(
                u -> {
                  u.tableName(table)
                      .key(key(userId, scheduleId))
                      .updateExpression(updateExpression)
                      .conditionExpression("attribute_exists(scheduleId) AND " + condition)
                      .expressionAttributeValues(values);
                  statusName(updateExpression, condition).ifPresent(u::expressionAttributeNames);
                })
            .build();
    return writeEnding(userId, write);
  }

  /**
   * Writes {@code write} (the build's own item) with the release of one build in flight. A counter
   * already at zero (builds scheduled before the counter existed) does not block the write: it is
   * made alone. False when the build's own condition failed.
   */
  private boolean writeEnding(String userId, TransactWriteItem write) {
    try {
      dynamo.transactWriteItems(
          t ->
              t.transactItems(
                  write, usage.release(userId, UsageCounters.Counter.BUILDS_IN_FLIGHT)));
      return true;
    } catch (TransactionCanceledException e) {
      if (failed(e.cancellationReasons(), 0)) {
        return false;
      }
      if (!failed(e.cancellationReasons(), 1)) {
        throw e;
      }
    }
    try {
      dynamo.transactWriteItems(t -> t.transactItems(write));
      return true;
    } catch (TransactionCanceledException e) {
      if (failed(e.cancellationReasons(), 0)) {
        return false;
      }
      throw e;
    }
  }

  private static boolean failed(List<CancellationReason> reasons, int index) {
    return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
  }

  private static Optional<Map<String, String>> statusName(
      String updateExpression, String condition) {
    return updateExpression.contains("#status") || condition.contains("#status")
        ? Optional.of(Map.of("#status", "status"))
        : Optional.empty();
  }

  /**
   * {@code #status IN (…)}: exactly the states {@link BuildStatus#allowedFrom} allows for the
   * target.
   */
  private static String statusCondition(BuildStatus target) {
    List<String> terms = new ArrayList<>();
    for (BuildStatus from : BuildStatus.allowedFrom(target)) {
      terms.add(":from" + from.ordinal());
    }
    return "#status IN (" + String.join(", ", terms) + ")";
  }

  private static Map<String, AttributeValue> statusValues(BuildStatus target) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":target", s(target.name()));
    for (BuildStatus from : BuildStatus.allowedFrom(target)) {
      values.put(":from" + from.ordinal(), s(from.name()));
    }
    return values;
  }

  private static void optional(
      StringBuilder set, Map<String, AttributeValue> values, String name, String value) {
    if (value != null) {
      set.append(", ").append(name).append(" = :").append(name);
      values.put(":" + name, s(value));
    }
  }

  private static String projection() {
    return String.join(", ", LIST_ATTRIBUTES.stream().map(a -> "#p_" + a).toList());
  }

  private static Map<String, String> projectionNames() {
    Map<String, String> names = new HashMap<>();
    LIST_ATTRIBUTES.forEach(a -> names.put("#p_" + a, a));
    return names;
  }

  private static Map<String, AttributeValue> key(String userId, String scheduleId) {
    return Map.of("userId", s(userId), "scheduleId", s(scheduleId));
  }

  static Map<String, AttributeValue> toItem(BuildSchedule b) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("userId", s(b.userId()));
    item.put("scheduleId", s(b.scheduleId()));
    putIfPresent(item, "imageName", b.imageName());
    item.put("projectName", s(b.projectName()));
    item.put("parentName", s(b.parentName()));
    item.put("arch", s(b.arch().wireName()));
    putIfPresent(item, "change", b.change());
    item.put("kind", s(b.kind().name()));
    item.put("status", s(b.status().name()));
    item.put("attempt", n(b.attempt()));
    item.put("attempts", n(b.attempts()));
    putIfPresent(item, "workerId", b.workerId());
    putIfPresent(item, "hostId", b.hostId());
    putIfPresent(item, "imageRef", b.imageRef());
    putIfPresent(item, "digest", b.digest());
    putIfPresent(item, "reason", b.reason());
    putIfPresent(item, "notifyEmail", b.notifyEmail());
    item.put("queued", AttributeValue.fromBool(b.queued()));
    putIfPresent(item, "job", b.job());
    item.put("scheduledAt", s(Times.sortable(b.scheduledAt())));
    if (b.startedAt() != null) {
      item.put("startedAt", s(b.startedAt().toString()));
    }
    if (b.endedAt() != null) {
      item.put("endedAt", s(b.endedAt().toString()));
    }
    item.put("updatedAt", s(b.updatedAt().toString()));
    if (b.lastSentAt() != null) {
      item.put("lastSentAt", s(b.lastSentAt().toString()));
    }
    return item;
  }

  static BuildSchedule fromItem(Map<String, AttributeValue> item) {
    return new BuildSchedule(
        string(item, "userId"),
        string(item, "scheduleId"),
        string(item, "imageName"),
        string(item, "projectName"),
        string(item, "parentName"),
        Arch.parse(string(item, "arch")),
        string(item, "change"),
        BuildKind.valueOf(string(item, "kind")),
        BuildStatus.valueOf(string(item, "status")),
        (int) number(item, "attempt"),
        (int) number(item, "attempts"),
        string(item, "workerId"),
        string(item, "hostId"),
        string(item, "imageRef"),
        string(item, "digest"),
        string(item, "reason"),
        string(item, "notifyEmail"),
        item.containsKey("queued") && item.get("queued").bool(),
        string(item, "job"),
        instant(item, "scheduledAt"),
        instant(item, "startedAt"),
        instant(item, "endedAt"),
        instant(item, "updatedAt"),
        instant(item, "lastSentAt"));
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : Instant.parse(value);
  }
}
