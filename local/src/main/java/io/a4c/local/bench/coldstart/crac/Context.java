package io.a4c.local.bench.coldstart.crac;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The global context: holds registered resources weakly, as the JDK's and Lambda's do, so a
 * resource nobody else keeps is gone by the checkpoint; runs {@code beforeCheckpoint} in reverse
 * order of registration and {@code afterRestore} in order, as Lambda documents.
 */
public final class Context<R extends Resource> implements Resource {
  private final List<WeakReference<R>> resources = new ArrayList<>();

  Context() {}

  public synchronized void register(R resource) {
    resources.add(new WeakReference<>(resource));
  }

  synchronized List<R> live() {
    List<R> live = new ArrayList<>();
    for (var reference : resources) {
      R resource = reference.get();
      if (resource != null) {
        live.add(resource);
      }
    }
    return live;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
    var failure = new CheckpointException();
    List<R> live = live();
    for (int i = live.size() - 1; i >= 0; i--) {
      try {
        live.get(i).beforeCheckpoint(this);
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) throws RestoreException {
    var failure = new RestoreException();
    for (R resource : live()) {
      try {
        resource.afterRestore(this);
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }
}
