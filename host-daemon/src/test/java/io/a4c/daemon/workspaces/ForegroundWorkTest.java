package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Background work waits for the creates running on the host, but only so long. */
class ForegroundWorkTest {
  private final ForegroundWork foreground = new ForegroundWork();

  @Test
  void nothingRunningMeansNoWait() throws Exception {
    assertThat(foreground.awaitIdle(Duration.ZERO)).isTrue();
    foreground.enter().close();
    assertThat(foreground.awaitIdle(Duration.ZERO)).isTrue();
  }

  @Test
  void aWaiterGoesOnOnceTheLastCreateEnds() throws Exception {
    var first = foreground.enter();
    var second = foreground.enter();
    var waiting = new CountDownLatch(1);
    var waiter =
        CompletableFuture.supplyAsync(
            () -> {
              waiting.countDown();
              try {
                return foreground.awaitIdle(Duration.ofMinutes(5));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    waiting.await();

    first.close();
    assertThat(foreground.awaitIdle(Duration.ZERO)).as("one create still runs").isFalse();
    assertThat(waiter).isNotDone();
    second.close();

    assertThat(waiter.get()).isTrue();
  }

  @Test
  void theWaitIsBounded() throws Exception {
    try (var create = foreground.enter()) {
      assertThat(foreground.awaitIdle(Duration.ofMillis(50))).isFalse();
    }
  }
}
