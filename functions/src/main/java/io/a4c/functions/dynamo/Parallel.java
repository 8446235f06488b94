package io.a4c.functions.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Independent reads of one request, issued at once on virtual threads so that the request waits for
 * the slowest of them rather than for their sum. {@link #await} waits for every one, whatever any
 * of them did, so none is still running when the request answers (a Lambda function's environment
 * is frozen once it has answered); then {@link Read#get} gives each one's value or throws what it
 * threw, in the order the caller asks them. Not thread-safe: one request's.
 */
public final class Parallel {
  private final List<CompletableFuture<?>> started = new ArrayList<>();

  /** Starts {@code read} on a virtual thread of its own. */
  public <T> Read<T> start(Supplier<T> read) {
    var future =
        CompletableFuture.supplyAsync(
            read, task -> Thread.ofVirtual().name("a4c-read").start(task));
    started.add(future);
    return new Read<>(future);
  }

  /** Waits until every started read has ended, with a value or an exception. */
  public void await() {
    CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> null)
        .join();
  }

  /** One started read. */
  public static final class Read<T> {
    private final CompletableFuture<T> future;

    private Read(CompletableFuture<T> future) {
      this.future = future;
    }

    /** Its value, waiting for it if need be; what it threw, rethrown as it was. */
    public T get() {
      try {
        return future.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }
}
