package io.a4c.functions.dynamo;

import java.util.List;

/**
 * A4C's tables, keys and indexes, declared once: the stores query by these names, {@code
 * LocalTables} creates them locally and the CDK stack ({@code io.a4c.infra.tables.Tables}) deploys
 * them. Changing a key here means a new table.
 */
public final class A4cTables {
  /** Workspaces by host, for the reconciler and the sweeper. */
  public static final IndexSpec WORKSPACES_BY_HOST =
      new IndexSpec("byHost", "hostId", "workspaceId");

  /**
   * Workspaces in progress by last update, for the sweeper. Sparse: only workspaces a host is still
   * working on (PENDING, CREATING, DELETING, STOPPING, STARTING, REBUILDING) carry {@code
   * inFlight}.
   */
  public static final IndexSpec WORKSPACES_IN_FLIGHT =
      new IndexSpec("byInFlight", "inFlight", "updatedAt");

  /**
   * Stopped workspaces that are to be deleted, by when, for the sweeper's expiry. Sparse: only
   * STOPPED workspaces of a project that deletes them carry {@code expires}.
   */
  public static final IndexSpec WORKSPACES_EXPIRING =
      new IndexSpec("byExpiry", "expires", "deleteAfter");

  /** Build schedules by status and time, for queue positions, the sweeper and the scheduler. */
  public static final IndexSpec BUILDS_BY_STATUS =
      new IndexSpec("byStatus", "status", "scheduledAt");

  /**
   * Ended builds whose end-of-build email is still due, by when they ended, for the sweeper.
   * Sparse: the write that ends a build (COMPLETED or FAILED) marks it {@code emailDue}, and the
   * email marked sent (or found to have no recipient) removes the mark.
   */
  public static final IndexSpec BUILDS_EMAIL_DUE =
      new IndexSpec("byEmailDue", "emailDue", "endedAt");

  /**
   * Users whose last key change may not have reached all their workspaces yet, for the sweeper.
   * Sparse: a key change marks the user's account {@code keysSync = pending} in its transaction,
   * and the sync that reached every workspace removes the mark.
   */
  public static final IndexSpec SSH_KEYS_SYNC_PENDING =
      new IndexSpec("byKeysSync", "keysSync", "userId");

  /** Sparse index of the audit trail by the user whose resource an entry is about. */
  public static final IndexSpec AUDIT_BY_USER = new IndexSpec("byUser", "userId", "entryId");

  public static final TableSpec WORKSPACES =
      new TableSpec(
          "Workspaces",
          "userId",
          "workspaceId",
          List.of(WORKSPACES_BY_HOST, WORKSPACES_IN_FLIGHT, WORKSPACES_EXPIRING),
          null);

  /** One item per project, holding its JSON. */
  public static final TableSpec PROJECTS =
      new TableSpec("Projects", "projectName", null, List.of(), null);

  /**
   * A project's parent and arch's COMPLETED images, newest first when read backwards. Sparse: only
   * COMPLETED images carry {@code newestOrder} (position, then completion, zero-padded).
   */
  public static final IndexSpec IMAGES_NEWEST =
      new IndexSpec("byNewest", "imageKey", "newestOrder");

  /** imageKey is project#parent#arch; the sort key orders an image's changes. */
  public static final TableSpec IMAGES =
      new TableSpec("Images", "imageKey", "change", List.of(IMAGES_NEWEST), null);

  /** One item per host: heartbeats, status, the slot counter and what its builder reported. */
  public static final TableSpec HOSTS = new TableSpec("Hosts", "hostId", null, List.of(), null);

  /** A host's image items, for re-indexing its heartbeat's image list. */
  public static final IndexSpec HOST_IMAGES_BY_HOST = new IndexSpec("byHost", "hostId", "imageRef");

  /**
   * Which hosts hold an image: one item per image reference and host, from the heartbeats ({@code
   * HostImageStore}); a create's placement queries its image's. Tombstones (no longer held) expire.
   */
  public static final TableSpec HOST_IMAGES =
      new TableSpec("HostImages", "imageRef", "hostId", List.of(HOST_IMAGES_BY_HOST), "expiresAt");

  /** Idempotency-Key records of workspace creation, forgotten by TTL a day later. */
  public static final TableSpec IDEMPOTENCY =
      new TableSpec("Idempotency", "idempotencyKey", null, List.of(), "expiresAt");

  /** The audit trail: one stream, sort key time-ordered, read newest first; never updated. */
  public static final TableSpec AUDIT =
      new TableSpec("Audit", "stream", "entryId", List.of(AUDIT_BY_USER), null);

  /** Per-user quota counters, moved in the same transactions as the records they count. */
  public static final TableSpec USAGE = new TableSpec("Usage", "userId", null, List.of(), null);

  public static final TableSpec BUILD_SCHEDULES =
      new TableSpec(
          "BuildSchedules",
          "userId",
          "scheduleId",
          List.of(BUILDS_BY_STATUS, BUILDS_EMAIL_DUE),
          null);

  /** One item per build: its last attempt's log (head and tail when long). */
  public static final TableSpec BUILD_LOGS =
      new TableSpec("BuildLogs", "scheduleId", null, List.of(), null);

  /**
   * Users' SSH public keys (sort key: the key's name) and, under the sort key {@code #account},
   * each user's workspace login, uid, key count and key-set revision; the partition {@code #uids}
   * holds the uid counter. '#' is in neither a user id nor a key name, so these never collide.
   */
  public static final TableSpec SSH_KEYS =
      new TableSpec("SshKeys", "userId", "keyName", List.of(SSH_KEYS_SYNC_PENDING), null);

  /**
   * Workspace A records by hostname, where there is no Route 53: the local runtime's DNS server
   * answers from it. Not deployed by the CDK stack ({@link #LOCAL_ONLY}): in AWS the records are in
   * the private hosted zone.
   */
  public static final TableSpec DNS_RECORDS =
      new TableSpec("DnsRecords", "hostname", null, List.of(), null);

  /** Tables the CDK stack does not deploy: stand-ins for another AWS service, made locally only. */
  public static final List<TableSpec> LOCAL_ONLY = List.of(DNS_RECORDS);

  /**
   * Every table, in the order the CDK stack declares them, then the {@link #LOCAL_ONLY} ones; the
   * local runtime and the store tests create them all.
   */
  public static final List<TableSpec> ALL =
      List.of(
          WORKSPACES,
          PROJECTS,
          IMAGES,
          HOSTS,
          HOST_IMAGES,
          IDEMPOTENCY,
          AUDIT,
          USAGE,
          BUILD_SCHEDULES,
          BUILD_LOGS,
          SSH_KEYS,
          DNS_RECORDS);

  /** Whether the CDK stack deploys {@code table}. */
  public static boolean deployed(TableSpec table) {
    return !LOCAL_ONLY.contains(table);
  }

  private A4cTables() {}
}
