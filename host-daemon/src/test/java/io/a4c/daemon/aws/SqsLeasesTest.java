package io.a4c.daemon.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.a4c.daemon.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The one lease keeper of the command consumer and the builder: what it extends, how often, and
 * when it stops — at {@link SqsLeases.Lease#close} and at the lease's deadline, which the builder
 * sets to the build's own, so that an overrunning build lets its job come back rather than holding
 * it up to SQS's 12-hour cap. Real timers with a visibility of 300 ms; the deadline is judged by a
 * clock the test moves.
 */
class SqsLeasesTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
  private static final Duration VISIBILITY = Duration.ofMillis(300);

  private final MovableClock clock = new MovableClock(T0);
  private final SqsLeases leases = new SqsLeases(clock);
  private final List<String> extended = new CopyOnWriteArrayList<>();

  private static Message message(String id, String receipt) {
    return Message.builder().messageId(id).receiptHandle(receipt).body("{}").build();
  }

  private void extend(Message message) {
    extended.add(message.receiptHandle());
  }

  /** Waits (at most 10 s) until {@code count} extensions were made. */
  private void awaitExtensions(int count) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (extended.size() < count && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(extended).hasSizeGreaterThanOrEqualTo(count);
  }

  /** The extensions made over five periods of the timer (a third of the visibility each). */
  private int extensionsOverFivePeriods() throws InterruptedException {
    int before = extended.size();
    Thread.sleep(VISIBILITY.toMillis() * 5 / 3);
    return extended.size() - before;
  }

  @Test
  void aHeldMessageIsExtendedUntilItsLeaseIsClosed() throws Exception {
    var lease = leases.hold(message("m-1", "r-1"), VISIBILITY, this::extend);
    awaitExtensions(3);

    lease.close();
    Thread.sleep(VISIBILITY.toMillis()); // a tick under way when it closed may still land
    assertThat(extensionsOverFivePeriods()).isZero();
    assertThat(extended).containsOnly("r-1");
  }

  @Test
  void aLeaseStopsExtendingOnceItsDeadlineHasPassedThoughNobodyClosedIt() throws Exception {
    leases.hold(message("m-2", "r-2"), VISIBILITY, T0.plus(Duration.ofMinutes(90)), this::extend);
    awaitExtensions(2);
    clock.set(T0.plus(Duration.ofMinutes(89)));
    assertThat(extensionsOverFivePeriods()).as("before the deadline").isPositive();

    clock.set(T0.plus(Duration.ofMinutes(90)));
    Thread.sleep(VISIBILITY.toMillis());
    assertThat(extensionsOverFivePeriods()).as("once the deadline has passed").isZero();
  }

  @Test
  void aNewerDeliveryOfTheMessageIsExtendedWithItsOwnReceiptHandle() throws Exception {
    var lease = leases.hold(message("m-3", "r-old"), VISIBILITY, this::extend);
    awaitExtensions(1);

    lease.received(message("m-3", "r-new"));
    int seen = extended.size();
    awaitExtensions(seen + 2);
    lease.close();
    assertThat(extended.get(extended.size() - 1)).isEqualTo("r-new");
    assertThat(lease.message().receiptHandle()).isEqualTo("r-new");
  }
}
