package io.a4c.functions.sshkeys;

import io.a4c.events.WorkspaceLogin;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.dynamo.ItemReader;
import io.a4c.functions.dynamo.ItemWriter;
import io.a4c.functions.dynamo.Reads;
import io.a4c.functions.dynamo.Transaction;
import io.a4c.functions.dynamo.Values;
import io.a4c.functions.dynamo.Writes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Users' SSH keys and accounts in DynamoDB (table {@code SshKeys}): partition userId, one item per
 * key (sort key: its name) and one account item (sort key {@code #account}), so a user's whole key
 * set is one strongly consistent Query. A key put or delete moves the account's key count (capped)
 * and key-set revision in the same transaction, so concurrent puts can never pass the cap and the
 * revision says exactly which set a host holds. Uids come from one counter item, taken with a
 * conditional update, and are written into the account with a conditional put: two first calls for
 * a user agree on one uid (the loser's is never used; uids may have gaps). Thread-safe.
 */
@Singleton
public final class SshKeyStore {
  /** The value of an account's {@code keysSync} while its last change may not have reached all. */
  static final String SYNC_PENDING = "pending";

  /** Sort key of a user's account item; '#' is in no key name. */
  static final String ACCOUNT = "#account";

  /** Partition of the uid counter; '#' is in no user id. */
  static final String UID_COUNTER = "#uids";

  /** Raised when the user holds the most keys allowed already. */
  static final class KeyLimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyLimitReached() {
      super(null, null, false, false);
    }
  }

  /** Raised when the uid range is used up. */
  static final class UidsExhausted extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UidsExhausted() {
      super("every uid up to " + WorkspaceLogin.LAST_UID + " is assigned");
    }
  }

  /** What a put did. */
  enum PutOutcome {
    CREATED,
    REPLACED
  }

  /** A user's account (if made yet) and keys, by name, read together. */
  record StoredKeys(Optional<SshAccount> account, List<SshKey> keys) {}

  private static final int WRITE_ATTEMPTS = 5;

  private final DynamoDbClient dynamo;
  private final String table;

  @Inject
  SshKeyStore(DynamoDbClient dynamo, FunctionsConfig config) {
    this(dynamo, config.sshKeysTable());
  }

  public SshKeyStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** The user's account, read strongly consistent. */
  Optional<SshAccount> account(String userId) {
    return Reads.item(dynamo, table, A4cTables.SSH_KEYS.key(userId, ACCOUNT), true)
        .map(SshKeyStore::accountFromItem);
  }

  /**
   * The user's account, made now if it is not there: {@code loginName} and a uid of its own, taken
   * once. Two racing first calls both answer the one account that was written.
   */
  SshAccount accountOrCreate(String userId, String loginName) {
    Optional<SshAccount> existing = account(userId);
    if (existing.isPresent()) {
      return existing.get();
    }
    var account = new SshAccount(userId, new WorkspaceLogin(loginName, takeUid()), 0, 0);
    boolean written =
        Writes.conditionally(
            () ->
                dynamo.putItem(
                    b ->
                        b.tableName(table)
                            .item(accountToItem(account))
                            .conditionExpression("attribute_not_exists(userId)")));
    if (written) {
      return account;
    }
    return account(userId)
        .orElseThrow(() -> new IllegalStateException("account of " + userId + " vanished"));
  }

  /** Takes the next uid from the counter. */
  private int takeUid() {
    try {
      var updated =
          dynamo.updateItem(
              b ->
                  b.tableName(table)
                      .key(A4cTables.SSH_KEYS.key(UID_COUNTER, UID_COUNTER))
                      .updateExpression("SET lastUid = if_not_exists(lastUid, :before) + :one")
                      .conditionExpression("attribute_not_exists(lastUid) OR lastUid < :last")
                      .expressionAttributeValues(
                          Map.of(
                              ":before", Values.n(WorkspaceLogin.FIRST_UID - 1L),
                              ":one", Values.ONE,
                              ":last", Values.n(WorkspaceLogin.LAST_UID)))
                      .returnValues(ReturnValue.UPDATED_NEW));
      return Math.toIntExact(ItemReader.of(updated.attributes()).number("lastUid"));
    } catch (ConditionalCheckFailedException e) {
      throw new UidsExhausted();
    }
  }

  /** The user's account and every key, strongly consistent, keys in name order. */
  StoredKeys read(String userId) {
    Optional<SshAccount> account = Optional.empty();
    List<SshKey> keys = new ArrayList<>();
    for (var item :
        dynamo
            .queryPaginator(
                b ->
                    b.tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("userId = :u")
                        .expressionAttributeValues(Map.of(":u", Values.s(userId))))
            .items()) {
      if (ACCOUNT.equals(item.get("keyName").s())) {
        account = Optional.of(accountFromItem(item));
      } else {
        keys.add(keyFromItem(item));
      }
    }
    return new StoredKeys(account, List.copyOf(keys));
  }

  /** One key, strongly consistent. */
  Optional<SshKey> key(String userId, String name) {
    return Reads.item(dynamo, table, A4cTables.SSH_KEYS.key(userId, name), true)
        .map(SshKeyStore::keyFromItem);
  }

  /**
   * Writes {@code key}, replacing one of the same name, and raises the user's key-set revision —
   * all or nothing. The user's account must exist.
   *
   * @param maxKeys the most keys the user may hold; a replace does not count
   * @throws KeyLimitReached when it is a new key and the user holds {@code maxKeys} already
   */
  PutOutcome put(SshKey key, int maxKeys) {
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      boolean replacing = key(key.userId(), key.name()).isPresent();
      var tx =
          Transaction.of(dynamo)
              .put(
                  "key",
                  p ->
                      p.tableName(table)
                          .item(keyToItem(key))
                          .conditionExpression(
                              replacing
                                  ? "attribute_exists(keyName)"
                                  : "attribute_not_exists(keyName)"))
              .update(
                  "account",
                  u -> {
                    u.tableName(table).key(A4cTables.SSH_KEYS.key(key.userId(), ACCOUNT));
                    if (replacing) {
                      u.updateExpression(
                              "SET keysRevision = keysRevision + :one, keysSync = :pending")
                          .conditionExpression("attribute_exists(uid)")
                          .expressionAttributeValues(
                              Map.of(":one", Values.ONE, ":pending", Values.s(SYNC_PENDING)));
                    } else {
                      u.updateExpression(
                              "SET keysRevision = keysRevision + :one,"
                                  + " keyCount = keyCount + :one, keysSync = :pending")
                          .conditionExpression("attribute_exists(uid) AND keyCount < :max")
                          .expressionAttributeValues(
                              Map.of(
                                  ":one",
                                  Values.ONE,
                                  ":max",
                                  Values.n(maxKeys),
                                  ":pending",
                                  Values.s(SYNC_PENDING)));
                    }
                  });
      try {
        tx.commit();
        return replacing ? PutOutcome.REPLACED : PutOutcome.CREATED;
      } catch (TransactionCanceledException e) {
        var failure = tx.failure(e);
        if (failure.failed("key")) {
          continue; // made or removed in between: look again
        }
        if (failure.failed("account")) {
          if (account(key.userId()).isEmpty()) {
            throw new IllegalStateException("no account for " + key.userId());
          }
          throw new KeyLimitReached();
        }
        throw e;
      }
    }
    throw new IllegalStateException("key " + key.name() + " kept changing");
  }

  /**
   * Removes a key and raises the user's key-set revision, all or nothing.
   *
   * @return false when there is no such key
   */
  boolean delete(String userId, String name) {
    var tx =
        Transaction.of(dynamo)
            .delete(
                "key",
                d ->
                    d.tableName(table)
                        .key(A4cTables.SSH_KEYS.key(userId, name))
                        .conditionExpression("attribute_exists(keyName)"))
            .update(
                "account",
                u ->
                    u.tableName(table)
                        .key(A4cTables.SSH_KEYS.key(userId, ACCOUNT))
                        .updateExpression(
                            "SET keysRevision = keysRevision + :one, keyCount = keyCount - :one,"
                                + " keysSync = :pending")
                        .conditionExpression("attribute_exists(uid) AND keyCount > :zero")
                        .expressionAttributeValues(
                            Map.of(
                                ":one",
                                Values.ONE,
                                ":zero",
                                Values.ZERO,
                                ":pending",
                                Values.s(SYNC_PENDING))));
    try {
      tx.commit();
      return true;
    } catch (TransactionCanceledException e) {
      if (tx.failure(e).failed("key")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Notes that the key set of {@code revision} reached every workspace of the user: removes the
   * account's pending mark, unless a later change (a higher revision) set it again since.
   */
  public void syncDone(String userId, long revision) {
    try {
      dynamo.updateItem(
          b ->
              b.tableName(table)
                  .key(A4cTables.SSH_KEYS.key(userId, ACCOUNT))
                  .updateExpression("REMOVE keysSync")
                  .conditionExpression("keysRevision = :revision")
                  .expressionAttributeValues(Map.of(":revision", Values.n(revision))));
    } catch (ConditionalCheckFailedException e) {
      // A later change: its own sync removes the mark.
    }
  }

  /** Users whose account is marked pending, at most {@code limit} (eventually consistent). */
  public List<String> syncPending(int limit) {
    var index = A4cTables.SSH_KEYS_SYNC_PENDING;
    return dynamo
        .queryPaginator(
            b ->
                b.tableName(table)
                    .indexName(index.name())
                    .keyConditionExpression(index.partitionKey() + " = :pending")
                    .expressionAttributeValues(Map.of(":pending", Values.s(SYNC_PENDING)))
                    .limit(limit))
        .items()
        .stream()
        .limit(limit)
        .map(item -> item.get("userId").s())
        .toList();
  }

  private static Map<String, AttributeValue> keyToItem(SshKey key) {
    return ItemWriter.item()
        .key(A4cTables.SSH_KEYS.key(key.userId(), key.name()))
        .string("type", key.type())
        .string("fingerprint", key.fingerprint())
        .string("comment", key.comment())
        .string("line", key.line())
        .instant("createdAt", key.createdAt())
        .build();
  }

  private static SshKey keyFromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new SshKey(
        read.string("userId"),
        read.string("keyName"),
        read.string("type"),
        read.string("fingerprint"),
        read.string("comment"),
        read.string("line"),
        read.instant("createdAt"));
  }

  private static Map<String, AttributeValue> accountToItem(SshAccount account) {
    return ItemWriter.item()
        .key(A4cTables.SSH_KEYS.key(account.userId(), ACCOUNT))
        .string("login", account.login().name())
        .number("uid", account.login().uid())
        .number("keysRevision", account.keysRevision())
        .number("keyCount", account.keyCount())
        .build();
  }

  private static SshAccount accountFromItem(Map<String, AttributeValue> item) {
    var read = ItemReader.of(item);
    return new SshAccount(
        read.string("userId"),
        new WorkspaceLogin(read.string("login"), read.integer("uid")),
        read.number("keysRevision"),
        read.integer("keyCount"));
  }
}
