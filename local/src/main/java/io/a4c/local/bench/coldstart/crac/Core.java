package io.a4c.local.bench.coldstart.crac;

/**
 * A stand-in CRaC implementation for measuring priming without a CRaC JVM. Selected with {@code
 * -Dorg.crac.Core.Compat=io.a4c.local.bench.coldstart.crac}, the hook Lambda uses for its own
 * ({@code com.amazonaws.services.lambda.crac}). {@link #checkpointRestore} runs what a snapshot
 * runs — a full GC (resources are held weakly), every {@code beforeCheckpoint}, then every {@code
 * afterRestore} — but takes no snapshot: the process simply carries on, which is the state
 * SnapStart restores.
 */
public final class Core {
  private static final Context<Resource> GLOBAL = new Context<>();
  private static volatile int primed = -1;

  private Core() {}

  public static Context<Resource> getGlobalContext() {
    return GLOBAL;
  }

  public static void checkpointRestore() throws CheckpointException, RestoreException {
    System.gc();
    primed = GLOBAL.live().size();
    GLOBAL.beforeCheckpoint(GLOBAL);
    GLOBAL.afterRestore(GLOBAL);
  }

  /** How many resources were still registered at the checkpoint; -1 if none was taken. */
  public static int primedResources() {
    return primed;
  }
}
