package io.a4c.daemon.workspaces;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The per-workspace locks: exclusive while held, and forgotten once nobody uses them. */
class WorkspaceLocksTest {
  private final WorkspaceLocks locks = new WorkspaceLocks();

  @Test
  void aWorkspacesLockIsForgottenOnceNobodyHoldsIt() throws Exception {
    // A daemon up for months sees a new workspace id for every warm pool member it makes.
    for (int i = 0; i < 1_000; i++) {
      try (var held = locks.hold("ws-" + i)) {
        assertThat(locks.tryWith("ws-" + i, () -> {})).as("reentrant").isTrue();
      }
      assertThat(locks.tryWith("ws-other-" + i, () -> {})).isTrue();
    }

    assertThat(keptLocks()).isZero();
  }

  @Test
  void aHeldLockShutsOutOthersAndIsKeptUntilItsLastUserLeaves() throws Exception {
    var held = locks.hold("ws-1");
    var tried = new AtomicBoolean(true);
    Thread other = Thread.ofPlatform().start(() -> tried.set(locks.tryWith("ws-1", () -> {})));
    other.join();
    assertThat(tried).as("busy: not run").isFalse();
    assertThat(keptLocks()).isEqualTo(1);

    var waiting = new CountDownLatch(1);
    var got = new CountDownLatch(1);
    Thread waiter =
        Thread.ofPlatform()
            .start(
                () -> {
                  waiting.countDown();
                  try (var second = locks.hold("ws-1")) {
                    got.countDown();
                  }
                });
    waiting.await();
    Thread.sleep(50);
    assertThat(got.getCount()).as("waits for the holder").isEqualTo(1);
    held.close();
    waiter.join();

    assertThat(got.getCount()).isZero();
    assertThat(keptLocks()).isZero();
  }

  @Test
  void holdersOfOneWorkspaceNeverOverlapWhileItsLockComesAndGoes() throws Exception {
    int[] inside = {0};
    int[] overlaps = {0};
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 2_000; i++) {
                      Runnable work =
                          () -> {
                            if (++inside[0] != 1) {
                              overlaps[0]++;
                            }
                            inside[0]--;
                          };
                      if (i % 2 == 0) {
                        try (var held = locks.hold("ws-1")) {
                          work.run();
                        }
                      } else {
                        locks.tryWith("ws-1", work);
                      }
                    }
                  });
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(overlaps[0]).isZero();
    assertThat(keptLocks()).isZero();
  }

  /** The entries the locks keep, read from the field so that any way of keeping them counts. */
  private int keptLocks() throws ReflectiveOperationException {
    var field = WorkspaceLocks.class.getDeclaredField("locks");
    field.setAccessible(true);
    return ((Map<?, ?>) field.get(locks)).size();
  }
}
