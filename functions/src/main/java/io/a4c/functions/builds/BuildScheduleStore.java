package io.a4c.functions.builds;

import io.a4c.events.Arch;
import io.a4c.events.BuildEnded;
import io.a4c.events.BuildKind;
import io.a4c.events.BuildStatus;
import io.a4c.events.Redaction;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Timestamps;
import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import io.a4c.functions.quotas.UsageCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
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

  private static final Map<String, String> STATUS_NAME = Map.of("#status", "status");

  /**
   * The mark of a build whose end-of-build email is due: set in the write that ends it (COMPLETED
   * or FAILED), removed when the email is marked sent or the build has no recipient. The sparse
   * {@link A4cTables#BUILDS_EMAIL_DUE} index lists the marked builds for the sweeper.
   */
  static final String EMAIL_DUE_NAME = "emailDue";

  private static final AttributeValue EMAIL_DUE_VALUE = Values.s("due");
  private static final String EMAIL_DUE = EMAIL_DUE_NAME + " = :emailDue";

  private final DynamoDbClient dynamo;
  private final UsageCounters usage;
  private final String table;

  @Inject
  BuildScheduleStore(DynamoDbClient dynamo, UsageCounters usage, FunctionsConfig config) {
    this(dynamo, usage, config.builds().schedulesTable());
  }

  BuildScheduleStore(DynamoDbClient dynamo, UsageCounters usage, String table) {
    this.dynamo = dynamo;
    this.usage = usage;
    this.table = table;
  }

  /** Writes a new recurring schedule; false when one of that id exists (a firing seen twice). */
  boolean insert(BuildSchedule schedule) {
    return Writes.conditionally(
        () ->
            dynamo.putItem(
                b ->
                    b.tableName(table)
                        .item(toItem(schedule))
                        .conditionExpression("attribute_not_exists(scheduleId)")));
  }

  /**
   * Writes a new user schedule and reserves one of the user's {@code quota} builds in flight, in
   * one transaction.
   *
   * @throws QuotaReached when the user has {@code quota} builds in flight (nothing is written)
   */
  void insertCounted(BuildSchedule schedule, int quota) {
    var tx =
        Transaction.of(dynamo)
            .put(
                "schedule",
                p ->
                    p.tableName(table)
                        .item(toItem(schedule))
                        .conditionExpression("attribute_not_exists(scheduleId)"))
            .add(
                "quota",
                usage.reserve(schedule.userId(), UsageCounters.Counter.BUILDS_IN_FLIGHT, quota));
    try {
      tx.commit();
    } catch (TransactionCanceledException e) {
      // Still contended after the retries (Transaction#commit): the loser of the race's answer.
      var failure = tx.failure(e);
      if (failure.failed("quota") || failure.conflicted("quota")) {
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
    return Reads.item(dynamo, table, key(userId, scheduleId), consistent)
        .map(BuildScheduleStore::fromItem);
  }

  /**
   * Up to {@code limit} of a user's schedules after {@code afterScheduleId} (null: from the start).
   */
  StoredPage list(String userId, int limit, String afterScheduleId) {
    var response =
        Reads.page(
            dynamo,
            table,
            A4cTables.BUILD_SCHEDULES,
            userId,
            limit,
            afterScheduleId,
            b -> b.projectionExpression(projection()).expressionAttributeNames(projectionNames()));
    var items = response.items().stream().map(BuildScheduleStore::fromItem).toList();
    return new StoredPage(items, Reads.next(response, A4cTables.BUILD_SCHEDULES));
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
            Values.bool(true),
            ":false",
            Values.bool(false),
            ":now",
            Values.instant(now),
            ":scheduled",
            Values.name(BuildStatus.SCHEDULED)));
  }

  /**
   * Takes the right to send a queued schedule's job again: moves {@code lastSentAt} from what the
   * caller read to now, so that of two sweeps at once only one re-sends it; false when it is no
   * longer SCHEDULED or someone else did.
   */
  boolean markResent(BuildSchedule schedule, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":now", Values.instant(now));
    values.put(":scheduled", Values.name(BuildStatus.SCHEDULED));
    values.put(":true", Values.bool(true));
    String sent;
    if (schedule.lastSentAt() == null) {
      sent = "attribute_not_exists(lastSentAt)";
    } else {
      // Items written before Timestamps' one form hold Instant.toString()'s.
      sent = "lastSentAt IN (:read, :readLegacy)";
      values.put(":read", Values.instant(schedule.lastSentAt()));
      values.put(":readLegacy", Values.s(Timestamps.legacy(schedule.lastSentAt())));
    }
    return update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET lastSentAt = :now, updatedAt = :now",
        "#status = :scheduled AND queued = :true AND " + sent,
        values);
  }

  /**
   * Gives back the right {@link #markResent} took at {@code markedAt} when the job then could not
   * be sent: {@code lastSentAt} goes back to what the caller read, so the next sweep sends the job
   * rather than wait a whole deadline after a send that never happened. False when the build is no
   * longer SCHEDULED or was sent again since.
   */
  boolean unmarkResent(BuildSchedule read, Instant markedAt) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":marked", Values.instant(markedAt));
    values.put(":scheduled", Values.name(BuildStatus.SCHEDULED));
    String update;
    if (read.lastSentAt() == null) {
      update = "REMOVE lastSentAt";
    } else {
      update = "SET lastSentAt = :read";
      values.put(":read", Values.instant(read.lastSentAt()));
    }
    return update(
        read.userId(),
        read.scheduleId(),
        update,
        "#status = :scheduled AND lastSentAt = :marked",
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
                        .expressionAttributeNames(STATUS_NAME)
                        .expressionAttributeValues(
                            Map.of(":scheduled", Values.name(BuildStatus.SCHEDULED))))
            .build();
    return writeEnding(userId, delete);
  }

  /** SCHEDULED → CANCELLED. */
  boolean cancel(String userId, String scheduleId, Instant now) {
    var values = statusValues(BuildStatus.CANCELLED);
    values.put(":now", Values.instant(now));
    values.put(":reason", Values.s("cancelled by its owner"));
    return ending(
        userId,
        scheduleId,
        "SET #status = :target, endedAt = :now, updatedAt = :now, reason = :reason",
        statusCondition(BuildStatus.CANCELLED),
        values);
  }

  /**
   * The claim: → IN_PROGRESS for this worker, with the next attempt number, which the store assigns
   * ({@code attempts + 1}; no caller chooses it). From SCHEDULED; or from IN_PROGRESS only while
   * {@code read}'s holder (worker and attempt) still holds it — a takeover the caller decided on
   * because that holder's lease ran out ({@link BuildLeaseRule}).
   *
   * @return the attempt assigned, or empty when the build is no longer as {@code read} (someone
   *     else took it, it ended, or it was cancelled)
   */
  OptionalInt claim(BuildSchedule read, String hostId, String workerId, Instant now) {
    if (read.status() == BuildStatus.SCHEDULED) {
      return claimScheduled(read.userId(), read.scheduleId(), hostId, workerId, now);
    }
    if (read.status() != BuildStatus.IN_PROGRESS || read.workerId() == null) {
      return OptionalInt.empty();
    }
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":held", Values.n(read.attempt()));
    values.put(":heldWorker", Values.s(read.workerId()));
    return claimIf(
        read.userId(),
        read.scheduleId(),
        "#status = :inProgress AND attempt = :held AND workerId = :heldWorker",
        values,
        hostId,
        workerId,
        now);
  }

  /** SCHEDULED → IN_PROGRESS for this worker, with the next attempt; empty when not SCHEDULED. */
  OptionalInt claimScheduled(
      String userId, String scheduleId, String hostId, String workerId, Instant now) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":scheduled", Values.name(BuildStatus.SCHEDULED));
    return claimIf(userId, scheduleId, "#status = :scheduled", values, hostId, workerId, now);
  }

  private OptionalInt claimIf(
      String userId,
      String scheduleId,
      String condition,
      Map<String, AttributeValue> values,
      String hostId,
      String workerId,
      Instant now) {
    values.put(":inProgress", Values.name(BuildStatus.IN_PROGRESS));
    values.put(":one", Values.n(1));
    values.put(":worker", Values.s(workerId));
    values.put(":host", Values.s(hostId));
    values.put(":now", Values.instant(now));
    try {
      var response =
          dynamo.updateItem(
              b ->
                  b.tableName(table)
                      .key(key(userId, scheduleId))
                      .updateExpression(
                          "SET #status = :inProgress, attempt = attempts + :one,"
                              + " attempts = attempts + :one, workerId = :worker, hostId = :host,"
                              + " startedAt = :now, updatedAt = :now")
                      .conditionExpression("attribute_exists(scheduleId) AND " + condition)
                      .expressionAttributeNames(STATUS_NAME)
                      .expressionAttributeValues(values)
                      .returnValues(ReturnValue.UPDATED_NEW));
      AttributeValue attempt = response.attributes().get("attempt");
      // DynamoDB always returns it; only SnapStart priming's offline answer ({}) has none.
      return attempt == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(attempt.n()));
    } catch (ConditionalCheckFailedException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * IN_PROGRESS → SCHEDULED, only while {@code build}'s claim (attempt and worker) is still the one
   * held: its lease ran out and it has deliveries left, so its job is sent again ({@link
   * ExpiredBuildLeases}). Marked sent now, so a lost send is re-sent by {@link LostBuildJobs}. The
   * owner's build in flight stays reserved: it is the same build. A report from the old holder
   * finds it no longer IN_PROGRESS under its attempt and changes nothing.
   */
  boolean redrive(BuildSchedule build, Instant now) {
    if (build.status() != BuildStatus.IN_PROGRESS || build.workerId() == null) {
      return false;
    }
    var values = statusValues(BuildStatus.SCHEDULED);
    values.put(":now", Values.instant(now));
    values.put(":true", Values.bool(true));
    values.put(":inProgress", Values.name(BuildStatus.IN_PROGRESS));
    values.put(":attempt", Values.n(build.attempt()));
    values.put(":worker", Values.s(build.workerId()));
    return update(
        build.userId(),
        build.scheduleId(),
        "SET #status = :target, queued = :true, lastSentAt = :now, updatedAt = :now"
            + " REMOVE workerId, hostId, startedAt",
        statusCondition(BuildStatus.SCHEDULED)
            + " AND #status = :inProgress AND attempt = :attempt AND workerId = :worker",
        values);
  }

  /**
   * IN_PROGRESS → COMPLETED or FAILED, only for the claim's holder and attempt. The reason is
   * stored with any URL's credentials masked ({@link Redaction}): the owner reads it, and a builder
   * not yet masking them may have quoted a source URL.
   */
  boolean end(BuildEnded report, Instant now) {
    var values = statusValues(report.status());
    values.put(":attempt", Values.n(report.attempt()));
    values.put(":worker", Values.s(report.workerId()));
    values.put(":now", Values.instant(now));
    StringBuilder set =
        new StringBuilder("SET #status = :target, endedAt = :now, updatedAt = :now, " + EMAIL_DUE);
    values.put(":emailDue", EMAIL_DUE_VALUE);
    optional(set, values, "imageRef", report.imageRef());
    optional(set, values, "digest", report.digest());
    optional(set, values, "reason", Redaction.text(report.reason()));
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
    values.put(":now", Values.instant(now));
    values.put(":reason", Values.s(reason));
    values.put(":emailDue", EMAIL_DUE_VALUE);
    return ending(
        userId,
        scheduleId,
        "SET #status = :target, endedAt = :now, updatedAt = :now, reason = :reason, " + EMAIL_DUE,
        statusCondition(BuildStatus.FAILED),
        values);
  }

  /**
   * IN_PROGRESS → FAILED with a reason, only while {@code build}'s claim (attempt and worker) is
   * still the one held: its lease ran out ({@link ExpiredBuildLeases}). A takeover or an end report
   * in between wins.
   */
  boolean failExpired(BuildSchedule build, String reason, Instant now) {
    var values = statusValues(BuildStatus.FAILED);
    values.put(":now", Values.instant(now));
    values.put(":reason", Values.s(reason));
    values.put(":inProgress", Values.name(BuildStatus.IN_PROGRESS));
    values.put(":attempt", Values.n(build.attempt()));
    values.put(":worker", Values.s(build.workerId()));
    values.put(":emailDue", EMAIL_DUE_VALUE);
    return ending(
        build.userId(),
        build.scheduleId(),
        "SET #status = :target, endedAt = :now, updatedAt = :now, reason = :reason, " + EMAIL_DUE,
        statusCondition(BuildStatus.FAILED)
            + " AND #status = :inProgress AND attempt = :attempt AND workerId = :worker",
        values);
  }

  /**
   * Takes the right to send the end-of-build email until {@code until}; false when someone else
   * holds it (a duplicate report being handled at the same time) or it was sent. A claim whose time
   * ran out at {@code now} is taken over: its holder died before it could send or give it back (a
   * function timed out). A claim written before claims had an expiry counts as run out.
   */
  boolean claimEmail(BuildSchedule schedule, String claimId, Instant now, Instant until) {
    return update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET emailClaim = :claim, emailClaimUntil = :until",
        "attribute_not_exists(emailSentAt) AND (attribute_not_exists(emailClaim)"
            + " OR attribute_not_exists(emailClaimUntil) OR emailClaimUntil <= :now)",
        new HashMap<>(
            Map.of(
                ":claim",
                Values.s(claimId),
                ":until",
                Values.instant(until),
                ":now",
                Values.instant(now))));
  }

  /** Gives the email claim back after a failed send, so a retry may take it. */
  void releaseEmail(BuildSchedule schedule, String claimId) {
    update(
        schedule.userId(),
        schedule.scheduleId(),
        "REMOVE emailClaim, emailClaimUntil",
        "emailClaim = :claim",
        new HashMap<>(Map.of(":claim", Values.s(claimId))));
  }

  void markEmailed(BuildSchedule schedule, String claimId, Instant now) {
    update(
        schedule.userId(),
        schedule.scheduleId(),
        "SET emailSentAt = :now REMOVE " + EMAIL_DUE_NAME,
        "emailClaim = :claim",
        new HashMap<>(Map.of(":claim", Values.s(claimId), ":now", Values.instant(now))));
  }

  /** Takes the due mark off a build whose email is not to be sent: it has no recipient. */
  void emailNotDue(BuildSchedule schedule) {
    Writes.conditionally(
        () ->
            dynamo.updateItem(
                b ->
                    b.tableName(table)
                        .key(key(schedule.userId(), schedule.scheduleId()))
                        .updateExpression("REMOVE " + EMAIL_DUE_NAME)
                        .conditionExpression("attribute_exists(" + EMAIL_DUE_NAME + ")")));
  }

  /**
   * Ended builds whose email is still due, that ended between {@code endedAfter} and {@code
   * endedBefore} and whose email nobody holds: never claimed (the function that ended the build
   * died first), or claimed and given back after a failed send (SES refused it). From the sparse
   * byEmailDue index, oldest first, at most {@code limit} (eventually consistent: {@link
   * BuildEmails#sendOnce}'s claim decides). Older marks are not read again, so those that stay (a
   * claim still held) cost the sweep nothing once out of the window.
   */
  List<BuildSchedule> emailsDue(Instant endedAfter, Instant endedBefore, int limit) {
    List<BuildSchedule> due = new ArrayList<>();
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.BUILDS_EMAIL_DUE.name())
                    .keyConditionExpression(
                        EMAIL_DUE_NAME + " = :due AND endedAt BETWEEN :after AND :before")
                    .filterExpression("attribute_not_exists(emailClaim)")
                    .expressionAttributeValues(
                        Map.of(
                            ":due", EMAIL_DUE_VALUE,
                            ":after", Values.instant(endedAfter),
                            ":before", Values.instant(endedBefore))));
    for (var item : pages.items()) {
      if (due.size() == limit) {
        break;
      }
      due.add(fromItem(item));
    }
    return due;
  }

  /**
   * Every build in {@code status}, oldest first (from the byStatus index: eventually consistent).
   */
  List<BuildSchedule> withStatus(BuildStatus status) {
    return byStatus("#status = :s", Map.of(":s", Values.name(status)));
  }

  /**
   * Every build in {@code status} scheduled before {@code before}, oldest first (eventually
   * consistent).
   */
  List<BuildSchedule> withStatusBefore(BuildStatus status, Instant before) {
    return byStatus(
        "#status = :s AND scheduledAt < :at",
        Map.of(":s", Values.name(status), ":at", Values.instant(before)));
  }

  private List<BuildSchedule> byStatus(String keyCondition, Map<String, AttributeValue> values) {
    List<BuildSchedule> all = new ArrayList<>();
    dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.BUILDS_BY_STATUS.name())
                    .keyConditionExpression(keyCondition)
                    .expressionAttributeNames(STATUS_NAME)
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
    values.put(":arch", Values.s(arch.wireName()));
    values.put(":s", Values.name(BuildStatus.SCHEDULED));
    values.put(":at", Values.instant(at));
    List<String> kindTerms = new ArrayList<>();
    int i = 0;
    for (BuildKind kind : kinds) {
      values.put(":k" + i, Values.name(kind));
      kindTerms.add(":k" + i++);
    }
    String filter = "#kind IN (" + String.join(", ", kindTerms) + ") AND #arch = :arch";
    var pages =
        dynamo.queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(A4cTables.BUILDS_BY_STATUS.name())
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
    return Reads.item(dynamo, table, key(SETTINGS_PARTITION, "recurring"), true)
        .map(ItemReader::of)
        .map(
            read ->
                new RecurringSettings(
                    read.bool("paused"), read.string("updatedBy"), read.instant("updatedAt")))
        .orElse(new RecurringSettings(false, null, null));
  }

  void putRecurringSettings(RecurringSettings settings) {
    var item =
        ItemWriter.item()
            .key(key(SETTINGS_PARTITION, "recurring"))
            .bool("paused", settings.paused())
            .string("updatedBy", settings.updatedBy())
            .instant("updatedAt", settings.updatedAt())
            .build();
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  private boolean update(
      String userId,
      String scheduleId,
      String updateExpression,
      String condition,
      Map<String, AttributeValue> values) {
    return Writes.conditionally(
        () ->
            dynamo.updateItem(
                b -> {
                  b.tableName(table)
                      .key(key(userId, scheduleId))
                      .updateExpression(updateExpression)
                      .conditionExpression("attribute_exists(scheduleId) AND " + condition)
                      .expressionAttributeValues(values);
                  statusName(updateExpression, condition).ifPresent(b::expressionAttributeNames);
                }));
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
    var withRelease =
        Transaction.of(dynamo)
            .add("schedule", write)
            .add("quota", usage.release(userId, UsageCounters.Counter.BUILDS_IN_FLIGHT));
    try {
      withRelease.commit();
      return true;
    } catch (TransactionCanceledException e) {
      var failure = withRelease.failure(e);
      if (failure.failed("schedule")) {
        return false;
      }
      if (!failure.failed("quota")) {
        throw e;
      }
    }
    var alone = Transaction.of(dynamo).add("schedule", write);
    try {
      alone.commit();
      return true;
    } catch (TransactionCanceledException e) {
      if (alone.failure(e).failed("schedule")) {
        return false;
      }
      throw e;
    }
  }

  private static Optional<Map<String, String>> statusName(
      String updateExpression, String condition) {
    return updateExpression.contains("#status") || condition.contains("#status")
        ? Optional.of(STATUS_NAME)
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
    values.put(":target", Values.name(target));
    for (BuildStatus from : BuildStatus.allowedFrom(target)) {
      values.put(":from" + from.ordinal(), Values.name(from));
    }
    return values;
  }

  private static void optional(
      StringBuilder set, Map<String, AttributeValue> values, String name, String value) {
    if (value != null) {
      set.append(", ").append(name).append(" = :").append(name);
      values.put(":" + name, Values.s(value));
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
    return A4cTables.BUILD_SCHEDULES.key(userId, scheduleId);
  }

  static Map<String, AttributeValue> toItem(BuildSchedule b) {
    return ItemWriter.item()
        .key(key(b.userId(), b.scheduleId()))
        .string("imageName", b.imageName())
        .string("projectName", b.projectName())
        .string("parentName", b.parentName())
        .string("arch", b.arch().wireName())
        .string("change", b.change())
        .name("kind", b.kind())
        .name("status", b.status())
        .number("attempt", b.attempt())
        .number("attempts", b.attempts())
        .string("workerId", b.workerId())
        .string("hostId", b.hostId())
        .string("imageRef", b.imageRef())
        .string("digest", b.digest())
        .string("reason", b.reason())
        .string("notifyEmail", b.notifyEmail())
        .bool("queued", b.queued())
        .string("job", b.job())
        .instant("scheduledAt", b.scheduledAt())
        .instant("startedAt", b.startedAt())
        .instant("endedAt", b.endedAt())
        .instant("updatedAt", b.updatedAt())
        .instant("lastSentAt", b.lastSentAt())
        .build();
  }

  static BuildSchedule fromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new BuildSchedule(
        read.string("userId"),
        read.string("scheduleId"),
        read.string("imageName"),
        read.string("projectName"),
        read.string("parentName"),
        Arch.parse(read.string("arch")),
        read.string("change"),
        read.name("kind", BuildKind.class),
        read.name("status", BuildStatus.class),
        read.integer("attempt"),
        read.integer("attempts"),
        read.string("workerId"),
        read.string("hostId"),
        read.string("imageRef"),
        read.string("digest"),
        read.string("reason"),
        read.string("notifyEmail"),
        read.bool("queued"),
        read.string("job"),
        read.instant("scheduledAt"),
        read.instant("startedAt"),
        read.instant("endedAt"),
        read.instant("updatedAt"),
        read.instant("lastSentAt"));
  }
}
