package io.a4c.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local queue store's answer to ElasticMQ's race (a message's receipts read while a receive
 * appends to them, see {@link QueueStore.RetryingStore}): the change is tried again with growing
 * pauses, and one that never passes is given up without bringing the store down. The race itself
 * cannot be caused on demand; a change that fails a given number of times stands in for it.
 */
class QueueStoreRetryTest {
  private final List<Long> pauses = new ArrayList<>();

  private Runnable failing(int times, int[] calls) {
    return () -> {
      if (++calls[0] <= times) {
        throw new IllegalArgumentException("requirement failed");
      }
    };
  }

  @Test
  void aChangeThatFailsWhileTheMessageIsHalfWrittenIsStoredOnALaterTry() {
    int[] calls = {0};
    var failure =
        QueueStore.RetryingStore.tryRepeatedly(
            failing(2, calls), QueueStore.RetryingStore.ATTEMPTS, pauses::add);
    assertThat(failure).isNull();
    assertThat(calls[0]).isEqualTo(3);
    assertThat(pauses).containsExactly(1L, 2L);
  }

  @Test
  void aChangeThatNeverPassesIsGivenUpAfterTheLastTry() {
    int[] calls = {0};
    var failure =
        QueueStore.RetryingStore.tryRepeatedly(
            failing(100, calls), QueueStore.RetryingStore.ATTEMPTS, pauses::add);
    assertThat(failure).hasMessage("requirement failed");
    assertThat(calls[0]).isEqualTo(QueueStore.RetryingStore.ATTEMPTS);
    assertThat(pauses).containsExactly(1L, 2L, 4L, 8L, 16L);
  }
}
