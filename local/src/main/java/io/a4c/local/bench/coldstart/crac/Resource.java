package io.a4c.local.bench.coldstart.crac;

/** The resource interface {@code org.crac} expects of a CRaC implementation. */
public interface Resource {
  void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

  void afterRestore(Context<? extends Resource> context) throws Exception;
}
