package io.a4c.functions.sshkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.a4c.events.WorkspaceLogin;
import io.a4c.functions.audit.AuditEntry;
import io.a4c.functions.audit.AuditLog;
import io.a4c.functions.audit.Origin;
import io.a4c.functions.audit.TestAudit;
import io.a4c.functions.config.FunctionsConfig;
import io.a4c.functions.config.FunctionsConfigTest;
import io.a4c.functions.config.FunctionsEnv;
import io.a4c.functions.dynamo.A4cTables;
import io.a4c.functions.http.InvalidRequestException;
import io.a4c.functions.quotas.QuotaExceededException;
import io.a4c.functions.testing.DynamoDbEngine;
import io.a4c.functions.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SSH key use cases over Dynoxide: 201 then 200 by name, the 20-key cap held by the
 * transaction, one uid per user however many first calls race, a revision that moves with every
 * change and only then, and a refused key that changes nothing.
 */
class SshKeyServicesTest {
  @RegisterExtension static final DynamoDbEngine dynamo = new DynamoDbEngine();

  private static final String ALICE = "alice.smith@example.com";
  private static final Origin AS_ALICE = new Origin(ALICE, false, "req-1", "127.0.0.1");

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<KeySet> sent = new CopyOnWriteArrayList<>();
  private SshKeyStore store;
  private SshKeyring keyring;
  private SshKeyRegistration registration;
  private SshKeyReads reads;
  private SshKeyRemoval removal;
  private AuditLog audit;
  private ExecutorService threads;

  @BeforeEach
  void services() {
    Map<String, String> env = FunctionsConfigTest.minimal();
    env.put(FunctionsEnv.AUDIT_TABLE, dynamo.table(A4cTables.AUDIT));
    env.put(FunctionsEnv.SSH_KEYS_TABLE, dynamo.table(A4cTables.SSH_KEYS));
    FunctionsConfig config = FunctionsConfig.fromEnvironment(env);
    audit = TestAudit.log(dynamo.client(), config, clock);
    store = new SshKeyStore(dynamo.client(), config.sshKeysTable());
    keyring = new SshKeyring(store);
    KeySetChanges changes = (userId, keys) -> sent.add(keys);
    registration = new SshKeyRegistration(store, keyring, changes, audit, clock);
    reads = new SshKeyReads(store);
    removal = new SshKeyRemoval(store, keyring, changes, audit);
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private SshKeyRegistration.Registered put(String name, String publicKey) {
    return registration.put(AS_ALICE, ALICE, name, new PutSshKeyRequest(publicKey));
  }

  @Test
  void aNewNameIsCreatedAndTheSameNameAgainReplacesIt() {
    var first = put("laptop", SshKeyFixtures.ED25519);
    clock.advance(Duration.ofMinutes(1));
    var second = put("laptop", SshKeyFixtures.ECDSA_256);

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(reads.list(ALICE).items())
        .singleElement()
        .satisfies(
            key -> {
              assertThat(key.name()).isEqualTo("laptop");
              assertThat(key.type()).isEqualTo("ecdsa-sha2-nistp256");
              assertThat(key.fingerprint()).isEqualTo(SshKeyFixtures.ECDSA_256_FINGERPRINT);
              assertThat(key.comment()).isEqualTo("ecdsa256");
              assertThat(key.createdAt()).isEqualTo(clock.instant());
            });
  }

  @Test
  void everyPutAndDeleteRaisesTheRevisionAndSendsTheNewSet() {
    assertThat(keyring.forUser(ALICE).revision()).isZero();

    put("laptop", SshKeyFixtures.ED25519);
    put("desktop", SshKeyFixtures.RSA_3072);
    put("laptop", SshKeyFixtures.ECDSA_384);
    removal.delete(AS_ALICE, ALICE, "desktop");

    KeySet now = keyring.forUser(ALICE);
    assertThat(now.revision()).isEqualTo(4);
    assertThat(now.authorizedKeys()).containsExactly(SshKeyFixtures.ECDSA_384);
    assertThat(sent).extracting(KeySet::revision).containsExactly(1L, 2L, 3L, 4L);
    assertThat(sent.get(1).authorizedKeys())
        .containsExactly(SshKeyFixtures.RSA_3072, SshKeyFixtures.ED25519);
    assertThat(sent.get(3)).isEqualTo(now);
  }

  @Test
  void theTwentyFirstKeyIsRefusedButReplacingOneAtTwentyIsNot() {
    for (int i = 1; i <= SshKeyRegistration.MAX_KEYS_PER_USER; i++) {
      assertThat(put("key-" + i, SshKeyFixtures.ED25519).created()).isTrue();
    }
    long revision = keyring.forUser(ALICE).revision();

    assertThatThrownBy(() -> put("key-21", SshKeyFixtures.ED25519))
        .isInstanceOf(QuotaExceededException.class)
        .hasMessageContaining("20");
    assertThat(keyring.forUser(ALICE).revision()).isEqualTo(revision);
    assertThat(reads.list(ALICE).items()).hasSize(20);

    assertThat(put("key-7", SshKeyFixtures.ECDSA_521).created()).isFalse();
    removal.delete(AS_ALICE, ALICE, "key-1");
    assertThat(put("key-21", SshKeyFixtures.ED25519).created()).isTrue();
    assertThat(reads.list(ALICE).items()).hasSize(20);
  }

  @Test
  void concurrentNewKeysNeverPassTheCap() throws Exception {
    for (int i = 1; i < SshKeyRegistration.MAX_KEYS_PER_USER; i++) {
      put("key-" + i, SshKeyFixtures.ED25519);
    }
    var barrier = new CyclicBarrier(2);
    List<Future<Boolean>> racing = new ArrayList<>();
    for (String name : List.of("left", "right")) {
      racing.add(
          threads.submit(
              () -> {
                barrier.await();
                try {
                  put(name, SshKeyFixtures.ED25519);
                  return true;
                } catch (QuotaExceededException e) {
                  return false;
                }
              }));
    }
    int stored = 0;
    for (var result : racing) {
      stored += result.get() ? 1 : 0;
    }

    assertThat(stored).isEqualTo(1);
    assertThat(reads.list(ALICE).items()).hasSize(SshKeyRegistration.MAX_KEYS_PER_USER);
  }

  @Test
  void twoFirstCallsRacingForAUserAgreeOnOneUid() throws Exception {
    List<Integer> firstUids = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      String userId = "racer" + round + "@example.com";
      var barrier = new CyclicBarrier(2);
      Future<KeySet> left =
          threads.submit(
              () -> {
                barrier.await();
                return keyring.forUser(userId);
              });
      Future<KeySet> right =
          threads.submit(
              () -> {
                barrier.await();
                return keyring.forUser(userId);
              });

      assertThat(left.get().login()).isEqualTo(right.get().login());
      assertThat(keyring.forUser(userId).login()).isEqualTo(left.get().login());
      firstUids.add(left.get().login().uid());
    }

    assertThat(firstUids).doesNotHaveDuplicates();
    assertThat(firstUids).allMatch(uid -> uid >= WorkspaceLogin.FIRST_UID);
  }

  @Test
  void theFirstAccountGetsTheFirstUidAndALoginFromItsUserId() {
    KeySet keys = keyring.forUser(ALICE);

    assertThat(keys.login()).isEqualTo(new WorkspaceLogin("alice_smith", WorkspaceLogin.FIRST_UID));
    assertThat(keys.authorizedKeys()).isEmpty();
    assertThat(keyring.forUser("bob").login().uid()).isEqualTo(WorkspaceLogin.FIRST_UID + 1);
    assertThat(keyring.forUser(ALICE).login().uid()).isEqualTo(WorkspaceLogin.FIRST_UID);
  }

  @Test
  void aRefusedKeyChangesNothing() {
    assertThatThrownBy(() -> put("old", SshKeyFixtures.DSA))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("publicKey"));
    assertThat(store.read(ALICE).account()).isEmpty();
    assertThat(store.read(ALICE).keys()).isEmpty();

    put("laptop", SshKeyFixtures.ED25519);
    var before = store.read(ALICE);
    for (String bad :
        List.of(SshKeyFixtures.RSA_2048, SshKeyFixtures.ECDSA_256_CERTIFICATE, "no-pty x")) {
      assertThatThrownBy(() -> put("laptop", bad)).isInstanceOf(InvalidRequestException.class);
    }

    assertThat(store.read(ALICE)).isEqualTo(before);
    assertThat(sent).hasSize(1);
  }

  @Test
  void deletingAKeyThatIsNotThereIsA404AndChangesNothing() {
    put("laptop", SshKeyFixtures.ED25519);
    var before = store.read(ALICE);

    assertThatThrownBy(() -> removal.delete(AS_ALICE, ALICE, "desktop"))
        .isInstanceOf(SshKeyNotFoundException.class);
    assertThat(store.read(ALICE)).isEqualTo(before);
    assertThat(sent).hasSize(1);
  }

  @Test
  void putsAndDeletesAreAuditedWithTheKeysNameAndFingerprint() {
    put("laptop", SshKeyFixtures.ED25519);
    removal.delete(AS_ALICE, ALICE, "laptop");

    List<AuditEntry> entries = audit.page(ALICE, 10, null).items();
    assertThat(entries).extracting(AuditEntry::action).contains("ssh-key.put", "ssh-key.delete");
    assertThat(entries)
        .allSatisfy(
            entry -> {
              assertThat(entry.target()).isEqualTo("ssh-key:laptop");
              assertThat(entry.details())
                  .containsEntry("keyName", "laptop")
                  .containsEntry("fingerprint", SshKeyFixtures.ED25519_FINGERPRINT);
            });
  }
}
